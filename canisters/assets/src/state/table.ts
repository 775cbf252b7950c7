/**
 * A persistent key-value table, as the pure state modules see stable memory: Azle's
 * `StableBTreeMap` in the canister (which fits this shape), a `Map` in tests
 * (`testing/map-table.ts`). Only exact keys are looked up; `keys()` walks the whole table and
 * is for `post_upgrade` only.
 */
export interface Table<V> {
  get(key: string): V | undefined;
  insert(key: string, value: V): unknown;
  remove(key: string): unknown;
  keys(): string[];
}
