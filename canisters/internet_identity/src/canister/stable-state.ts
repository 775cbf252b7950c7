import { StableBTreeMap, candidEncode } from 'azle';
import { createUtf8Codec } from '@citadel/azle-text';
import { AnchorStore } from '../identity/anchor-store.js';
import { nat64FromBytes, nat64ToBytes } from '../identity/nat64.js';
import { Salt } from '../identity/salt.js';
import type { Table } from '../identity/table.js';

/**
 * The canister's state in stable memory, written through on every change, so an upgrade keeps
 * every anchor, device and the salt. Memory ids: 0 anchor records (key: anchor number, 8
 * bytes BE; value: `identity/anchor-record.ts`), 1 device pubkey → anchor, 2 credential id →
 * anchor, 3 settings by name (`next_anchor`, 8 bytes BE; `salt`, 32 bytes).
 */

/** Bytes stored as they are. */
const RAW = {
  toBytes: (bytes: Uint8Array) => bytes,
  fromBytes: (bytes: Uint8Array) => bytes,
};
/** An anchor number as 8 bytes, big-endian. */
const NAT64 = { toBytes: nat64ToBytes, fromBytes: nat64FromBytes };
/** Setting names, as UTF-8. */
const NAME = createUtf8Codec(candidEncode);

/** The {@link Table} view of a `StableBTreeMap`. */
function tableOf<K, V>(map: StableBTreeMap<K, V>): Table<K, V> {
  return {
    get: (key) => map.get(key),
    set: (key, value) => map.insert(key, value),
    delete: (key) => map.remove(key),
  };
}

const settings = tableOf(new StableBTreeMap<string, Uint8Array>(3, NAME, RAW));

/** The anchors and their devices. */
export const anchors = new AnchorStore({
  anchors: tableOf(new StableBTreeMap<bigint, Uint8Array>(0, NAT64, RAW)),
  pubkeys: tableOf(new StableBTreeMap<Uint8Array, bigint>(1, RAW, NAT64)),
  credentials: tableOf(new StableBTreeMap<Uint8Array, bigint>(2, RAW, NAT64)),
  settings,
});

/** The salt of every seed. */
export const salt = new Salt(settings);
