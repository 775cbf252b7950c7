/**
 * A persistent key-value table, as the stores see stable memory: an Azle `StableBTreeMap` in
 * the canister (`canister/stable-state.ts`), a `Map` in tests. Every change is written through.
 */
export interface Table<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): unknown;
  delete(key: K): unknown;
}
