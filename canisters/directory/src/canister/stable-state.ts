import { StableBTreeMap } from 'azle';
import { ListingStore } from '../listings/listing-store.js';
import type { Table } from '../listings/table.js';

/**
 * The canister's state in stable memory, written through on every change so that an upgrade
 * keeps every listing; the store's heap indexes are rebuilt from it by `load()` in `init` and
 * `post_upgrade`. Memory ids: 0 listing records, 1 index records (see `listings/records.ts`
 * for the layouts), both keyed by the frontend canister id's bytes.
 */

/** Bytes stored as they are. */
const RAW = {
  toBytes: (bytes: Uint8Array) => bytes,
  fromBytes: (bytes: Uint8Array) => bytes,
};

/** Entries read from stable memory at a time while loading: bounds the heap a load takes. */
const LOAD_CHUNK = 500;

/** The {@link Table} view of a `StableBTreeMap`. */
function tableOf<K, V>(map: StableBTreeMap<K, V>): Table<K, V> {
  return {
    get: (key) => map.get(key),
    set: (key, value) => map.insert(key, value),
    delete: (key) => map.remove(key),
    *entries() {
      for (let start = 0; ; start += LOAD_CHUNK) {
        const chunk = map.items(start, LOAD_CHUNK);
        yield* chunk;
        if (chunk.length < LOAD_CHUNK) {
          return;
        }
      }
    },
  };
}

/** The listings. */
export const store = new ListingStore({
  listings: tableOf(new StableBTreeMap<Uint8Array, Uint8Array>(0, RAW, RAW)),
  index: tableOf(new StableBTreeMap<Uint8Array, Uint8Array>(1, RAW, RAW)),
});
