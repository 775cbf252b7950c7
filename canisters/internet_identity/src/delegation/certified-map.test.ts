import {
  EMPTY_TREE_HASH,
  type HashTree,
  bytesToHex,
  compareBytes,
  isWellFormedHashTree,
  lookupPath,
  reconstruct,
} from '@citadel/protocol';
import { hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { CertifiedMap } from './certified-map.js';

/** A deterministic generator of labels (xorshift), so failures reproduce. */
function makeRandom(seed: number) {
  let state = seed;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  return {
    int: (below: number) => next() % below,
    label: (length = 1 + (next() % 4)) => Uint8Array.from({ length }, () => next() % 8),
  };
}

/** The labels of a hash tree's top level, in order (forks flattened, pruned nodes skipped). */
function topLabels(tree: HashTree): Uint8Array[] {
  switch (tree[0]) {
    case 1:
      return [...topLabels(tree[1]), ...topLabels(tree[2])];
    case 2:
      return [tree[1]];
    default:
      return [];
  }
}

function countNodes(tree: HashTree, type: number): number {
  const own = tree[0] === type ? 1 : 0;
  switch (tree[0]) {
    case 1:
      return own + countNodes(tree[1], type) + countNodes(tree[2], type);
    case 2:
      return own + countNodes(tree[2], type);
    default:
      return own;
  }
}

const leaf = (text: string) => new TextEncoder().encode(text);

describe('CertifiedMap', () => {
  it('hashes an empty map as the Empty node', () => {
    const map = new CertifiedMap();
    expect(map.rootHash()).toEqual(EMPTY_TREE_HASH);
    expect(map.toHashTree()).toEqual([0]);
    expect(map.size).toBe(0);
  });

  it('hashes a single entry as one labeled leaf', () => {
    const map = new CertifiedMap();
    map.set(leaf('a'), leaf('x'));
    expect(map.rootHash()).toEqual(reconstruct([2, leaf('a'), [3, leaf('x')]]));
    expect(map.witness([leaf('a')])).toEqual([2, leaf('a'), [3, leaf('x')]]);
  });

  it('keeps cached hashes, witnesses and the AVL balance right through random inserts, updates and deletes', () => {
    const random = makeRandom(0x2545f491);
    const map = new CertifiedMap();
    const reference = new Map<string, Uint8Array>();
    for (let step = 0; step < 600; step++) {
      const label = random.label();
      const key = bytesToHex(label);
      if (random.int(3) === 0 && reference.size > 0) {
        const victim = [...reference.keys()][random.int(reference.size)] as string;
        expect(map.delete(hexToBytes(victim))).toBe(true);
        reference.delete(victim);
      } else {
        const value = leaf(`v${step}`);
        map.set(label, value);
        reference.set(key, value);
      }
      if (step % 7 !== 0) {
        continue;
      }
      // The incrementally maintained root equals the root computed from scratch.
      const full = map.toHashTree();
      expect(map.rootHash()).toEqual(reconstruct(full));
      expect(isWellFormedHashTree(full)).toBe(true);
      expect(map.size).toBe(reference.size);
      expect(map.height).toBeLessThanOrEqual(Math.ceil(1.45 * Math.log2(reference.size + 2)));
      const labels = topLabels(full).map(bytesToHex);
      expect(labels).toEqual([...reference.keys()].sort());
    }
    for (const [key, value] of reference) {
      const label = hexToBytes(key);
      const witness = map.witness([label]);
      expect(reconstruct(witness)).toEqual(map.rootHash());
      expect(isWellFormedHashTree(witness)).toBe(true);
      expect(lookupPath(witness, [label])).toEqual({ status: 'found', value });
      // Only the path is revealed: its label, and hashes for everything else.
      expect(countNodes(witness, 2)).toBe(1);
    }
  });

  it('refuses a delete of a label it does not have', () => {
    const map = new CertifiedMap();
    map.set(leaf('a'), leaf(''));
    expect(map.delete(leaf('b'))).toBe(false);
    expect(map.size).toBe(1);
  });

  it('rehashes a parent entry when a nested map changes and is set again', () => {
    const outer = new CertifiedMap();
    const inner = new CertifiedMap();
    inner.set(leaf('m1'), leaf(''));
    outer.set(leaf('s'), inner);
    outer.set(leaf('t'), leaf('other'));
    const before = outer.rootHash();
    inner.set(leaf('m2'), leaf(''));
    outer.set(leaf('s'), inner);
    const after = outer.rootHash();
    expect(after).not.toEqual(before);
    expect(after).toEqual(reconstruct(outer.toHashTree()));
    const witness = outer.witness([leaf('s'), leaf('m2')]);
    expect(reconstruct(witness)).toEqual(after);
    expect(lookupPath(witness, ['s', 'm2'])).toEqual({ status: 'found', value: leaf('') });
    expect(lookupPath(witness, ['s', 'm1']).status).toBe('unknown');
    expect(lookupPath(witness, ['t']).status).toBe('unknown');
  });

  it('orders labels bytewise, a proper prefix first', () => {
    const map = new CertifiedMap();
    for (const label of [[2], [1, 0], [1], [0, 255], []]) {
      map.set(Uint8Array.from(label), leaf(''));
    }
    const labels = topLabels(map.toHashTree());
    expect(labels.map((label) => [...label])).toEqual([[], [0, 255], [1], [1, 0], [2]]);
    for (let i = 1; i < labels.length; i++) {
      expect(compareBytes(labels[i - 1] as Uint8Array, labels[i] as Uint8Array)).toBe(-1);
    }
  });

  it('fails to witness a path that is not in the map', () => {
    const map = new CertifiedMap();
    map.set(leaf('a'), leaf(''));
    expect(() => map.witness([leaf('b')])).toThrow(/not in the map/);
    expect(() => map.witness([leaf('a'), leaf('deeper')])).toThrow(/below a leaf/);
  });
});
