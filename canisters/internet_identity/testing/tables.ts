import { bytesToHex } from '@citadel/protocol';
import type { AnchorTables } from '../src/identity/anchor-store.js';
import type { Table } from '../src/identity/table.js';

/** A {@link Table} over a `Map`, keyed by `keyOf(key)` so that byte keys compare by value. */
export function mapTable<K, V>(
  keyOf: (key: K) => unknown = (key) => key,
): Table<K, V> & {
  readonly size: number;
} {
  const map = new Map<unknown, V>();
  return {
    get: (key) => map.get(keyOf(key)),
    set: (key, value) => map.set(keyOf(key), value),
    delete: (key) => map.delete(keyOf(key)),
    get size() {
      return map.size;
    },
  };
}

/** Empty in-memory tables for an `AnchorStore`, as the canister's stable maps would be. */
export function makeAnchorTables() {
  return {
    anchors: mapTable<bigint, Uint8Array>(),
    pubkeys: mapTable<Uint8Array, bigint>(bytesToHex),
    credentials: mapTable<Uint8Array, bigint>(bytesToHex),
    settings: mapTable<string, Uint8Array>(),
  } satisfies AnchorTables;
}
