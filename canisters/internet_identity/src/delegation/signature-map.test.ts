import {
  type HashTree,
  EMPTY_TREE_HASH,
  bytesToHex,
  isWellFormedHashTree,
  lookupPath,
  reconstruct,
} from '@citadel/protocol';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { SIGNATURES_PRUNED_PER_ADD, SIGNATURE_TTL_NS } from '../identity/limits.js';
import { SignatureMap } from './signature-map.js';

const T0 = 1_700_000_000_000_000_000n;
const SECOND_NS = 1_000_000_000n;
const hash = (text: string) => sha256(new TextEncoder().encode(text));

/** An entry of seed `seed` and message `message`, under an id naming both. */
function add(map: SignatureMap, seed: string, message: string, nowNs: bigint): number {
  return map.add(`${seed}/${message}`, hash(seed), hash(message), nowNs);
}

/** Labels revealed anywhere in a tree. */
function revealedLabels(tree: HashTree): number {
  switch (tree[0]) {
    case 1:
      return revealedLabels(tree[1]) + revealedLabels(tree[2]);
    case 2:
      return 1 + revealedLabels(tree[2]);
    default:
      return 0;
  }
}

describe('SignatureMap', () => {
  it('certifies labeled("sig", empty) when it holds nothing', () => {
    const map = new SignatureMap();
    expect(map.certifiedData()).toEqual(reconstruct([2, new TextEncoder().encode('sig'), [0]]));
    expect(reconstruct([0])).toEqual(EMPTY_TREE_HASH);
    expect(map.size).toBe(0);
  });

  it('witnesses an entry at sig/<seed hash>/<message hash> with a root equal to the certified data', () => {
    const map = new SignatureMap();
    for (let i = 0; i < 20; i++) {
      add(map, `seed ${i % 7}`, `message ${i}`, T0 + BigInt(i));
    }
    expect(map.size).toBe(20);
    const tree = map.witness('seed 3/message 10', T0 + 20n) as HashTree;
    expect(reconstruct(tree)).toEqual(map.certifiedData());
    expect(isWellFormedHashTree(tree)).toBe(true);
    expect(lookupPath(tree, ['sig', hash('seed 3'), hash('message 10')])).toEqual({
      status: 'found',
      value: new Uint8Array(0),
    });
    // sig, one seed hash, one message hash: every sibling is pruned.
    expect(revealedLabels(tree)).toBe(3);
    expect(lookupPath(tree, ['sig', hash('seed 3'), hash('message 3')]).status).toBe('unknown');
  });

  it('changes the certified data with every new entry', () => {
    const map = new SignatureMap();
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) {
      add(map, 'seed', `message ${i}`, T0);
      seen.add(bytesToHex(map.certifiedData()));
    }
    expect(seen.size).toBe(10);
  });

  it('stops handing out an entry once it expired, before it is pruned', () => {
    const map = new SignatureMap();
    add(map, 'seed', 'message', T0);
    expect(map.witness('seed/message', T0 + SIGNATURE_TTL_NS - 1n)).toBeDefined();
    expect(map.witness('seed/message', T0 + SIGNATURE_TTL_NS)).toBeUndefined();
    expect(map.size).toBe(1);
    expect(map.witness('unknown', T0)).toBeUndefined();
  });

  it('prunes at most 50 expired entries per add, oldest first', () => {
    const map = new SignatureMap();
    for (let i = 0; i < 60; i++) {
      add(map, `early ${i}`, 'message', T0);
    }
    for (let i = 0; i < 60; i++) {
      add(map, `later ${i}`, 'message', T0 + 30n * SECOND_NS);
    }
    expect(map.size).toBe(120);
    // At T0 + 61 s the early entries have expired, the later ones not.
    const now = T0 + 61n * SECOND_NS;
    expect(add(map, 'new', 'one', now)).toBe(SIGNATURES_PRUNED_PER_ADD);
    expect(add(map, 'new', 'two', now)).toBe(10);
    expect(add(map, 'new', 'three', now)).toBe(0);
    expect(map.size).toBe(63);
    expect(map.witness('early 59/message', now)).toBeUndefined();
    const tree = map.witness('later 0/message', now) as HashTree;
    expect(reconstruct(tree)).toEqual(map.certifiedData());
  });

  it('renews an entry that is added again, and keeps it past its first expiry', () => {
    const map = new SignatureMap();
    add(map, 'seed', 'message', T0);
    const certified = map.certifiedData();
    add(map, 'seed', 'message', T0 + 30n * SECOND_NS);
    expect(map.certifiedData()).toEqual(certified);
    expect(map.size).toBe(1);
    // The first record's expiry passes: nothing is pruned, the entry is still handed out.
    expect(add(map, 'other', 'message', T0 + 70n * SECOND_NS)).toBe(0);
    expect(map.witness('seed/message', T0 + 70n * SECOND_NS)).toBeDefined();
    expect(add(map, 'third', 'message', T0 + 95n * SECOND_NS)).toBe(1);
    expect(map.witness('seed/message', T0 + 95n * SECOND_NS)).toBeUndefined();
  });

  it('returns to the empty certified data once every entry is pruned', () => {
    const map = new SignatureMap({ ttlNs: 10n });
    const empty = map.certifiedData();
    add(map, 'a', 'one', T0);
    add(map, 'a', 'two', T0);
    add(map, 'b', 'one', T0);
    expect(map.prune(T0 + 10n, 10)).toBe(3);
    expect(map.size).toBe(0);
    expect(map.certifiedData()).toEqual(empty);
  });
});
