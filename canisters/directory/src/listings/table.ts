/**
 * A persistent key-value table, as the store sees stable memory: an Azle `StableBTreeMap` in
 * the canister (`canister/stable-state.ts`), a `Map` in tests. Every change is written
 * through; `entries()` walks the whole table and is for loading the heap indexes only.
 */
export interface Table<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): unknown;
  delete(key: K): unknown;
  entries(): Iterable<[K, V]>;
}
