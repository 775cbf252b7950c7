import { StableBTreeMap, candidEncode } from 'azle';
import { createUtf8Codec } from '@citadel/azle-text';
import { NoteStore } from '../notes/note-store.js';
import { idToKey, keyToId } from '../notes/records.js';
import type { Table } from '../notes/table.js';

/**
 * The canister's state in stable memory, written through on every change so that an upgrade
 * keeps every note; the store's heap indexes are rebuilt from it by `load()` in `init` and
 * `post_upgrade`. Memory ids: 0 note records, 1 note summaries, 2 counters (see
 * `notes/records.ts` for the layouts). Keys of ids are 8 bytes big-endian, so they sort as ids.
 */

/** Bytes stored as they are. */
const RAW = {
  toBytes: (bytes: Uint8Array) => bytes,
  fromBytes: (bytes: Uint8Array) => bytes,
};
/** A `nat64` (an id, or a counter's value) as 8 bytes, big-endian. */
const NAT64 = { toBytes: idToKey, fromBytes: keyToId };
/** Counter names, as UTF-8. */
const NAME = createUtf8Codec(candidEncode);

/** The {@link Table} view of a `StableBTreeMap`. */
function tableOf<K, V>(map: StableBTreeMap<K, V>): Table<K, V> {
  return {
    get: (key) => map.get(key),
    set: (key, value) => map.insert(key, value),
    delete: (key) => map.remove(key),
    entries: () => map.items(),
  };
}

/** The notes. */
export const store = new NoteStore({
  notes: tableOf(new StableBTreeMap<bigint, Uint8Array>(0, NAT64, RAW)),
  summaries: tableOf(new StableBTreeMap<bigint, Uint8Array>(1, NAT64, RAW)),
  counters: tableOf(new StableBTreeMap<string, bigint>(2, NAME, NAT64)),
});
