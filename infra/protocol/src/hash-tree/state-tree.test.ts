import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';

import { CitadelError } from '../errors.js';
import { HashTreeErrorCode } from './errors.js';
import { reconstruct } from './reconstruct.js';
import { StateTreeNode, hashStateTree, stateNode, toHashTree } from './state-tree.js';
import type { StateTree } from './state-tree.js';
import type { HashTree } from './types.js';
import { isWellFormedHashTree } from './well-formed.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const hex = (bytes: Uint8Array): string => bytesToHex(bytes);

/** The spec example's content, built with our balanced fork shape. */
function exampleState(): StateTreeNode {
  return stateNode([
    ['d', utf8('morning')],
    [
      'a',
      stateNode([
        ['y', utf8('world')],
        ['x', utf8('hello')],
      ]),
    ],
    ['c', stateNode([])],
    ['b', utf8('good')],
  ]);
}

describe('stateNode', () => {
  it('stateNode sorts children bytewise with a proper prefix first', () => {
    const node = stateNode([
      ['canister_ranges', utf8('r')],
      [new Uint8Array([0xff]), utf8('z')],
      ['canister', utf8('c')],
      [new Uint8Array(), utf8('e')],
    ]);
    expect(node.labels.map(hex)).toEqual([
      '',
      hex(utf8('canister')),
      hex(utf8('canister_ranges')),
      'ff',
    ]);
    expect(node.size).toBe(4);
  });

  it('stateNode fails on duplicate labels, also between text and bytes', () => {
    let caught: unknown;
    try {
      stateNode([
        ['time', utf8('1')],
        [utf8('time'), utf8('2')],
      ]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CitadelError);
    expect((caught as CitadelError).code).toBe(HashTreeErrorCode.DUPLICATE_LABEL);
    expect((caught as CitadelError).message).toContain('"time"');
  });

  it('stateNode fails on children that are neither leaves nor nodes', () => {
    expect(() => stateNode([['a', 'text' as unknown as StateTree]])).toThrow(
      expect.objectContaining({ code: HashTreeErrorCode.INVALID_STATE_TREE }),
    );
    expect(() => stateNode([[5 as unknown as string, utf8('x')]])).toThrow(
      expect.objectContaining({ code: HashTreeErrorCode.INVALID_STATE_TREE }),
    );
  });

  it('StateTreeNode cannot be constructed directly', () => {
    const Construct = StateTreeNode as unknown as new (
      token: symbol,
      labels: Uint8Array[],
      children: StateTree[],
    ) => StateTreeNode;
    expect(() => new Construct(Symbol('fake'), [], [])).toThrow(CitadelError);
  });

  it('stateNode copies byte labels so later mutation cannot reorder the tree', () => {
    const label = utf8('b');
    const node = stateNode([[label, utf8('1')]]);
    label[0] = 0x7a;
    expect(node.get('b')).toEqual(utf8('1'));
  });

  it('StateTreeNode.get finds children by text or bytes', () => {
    const node = exampleState();
    expect(node.get('b')).toEqual(utf8('good'));
    expect(node.get(utf8('d'))).toEqual(utf8('morning'));
    expect(node.get('zz')).toBeUndefined();
    expect([...node.entries()].map(([label]) => new TextDecoder().decode(label))).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
  });
});

describe('toHashTree and hashStateTree', () => {
  it('toHashTree builds the balanced fork shape over sorted children', () => {
    const tree = toHashTree(exampleState());
    const expected: HashTree = [
      1,
      [
        1,
        [2, utf8('a'), [1, [2, utf8('x'), [3, utf8('hello')]], [2, utf8('y'), [3, utf8('world')]]]],
        [2, utf8('b'), [3, utf8('good')]],
      ],
      [1, [2, utf8('c'), [0]], [2, utf8('d'), [3, utf8('morning')]]],
    ];
    expect(tree).toEqual(expected);
    expect(isWellFormedHashTree(tree)).toBe(true);
  });

  it('toHashTree gives the left half the extra child of an odd count', () => {
    const node = stateNode(['a', 'b', 'c'].map((label) => [label, utf8(label)] as const));
    const tree = toHashTree(node);
    expect(tree[0]).toBe(1);
    expect((tree as readonly [1, HashTree, HashTree])[1][0]).toBe(1);
    expect((tree as readonly [1, HashTree, HashTree])[2][0]).toBe(2);
  });

  it('toHashTree maps a leaf to Leaf, an empty node to Empty and a single child to Labeled', () => {
    expect(toHashTree(utf8('v'))).toEqual([3, utf8('v')]);
    expect(toHashTree(stateNode([]))).toEqual([0]);
    expect(toHashTree(stateNode([['k', utf8('v')]]))).toEqual([2, utf8('k'), [3, utf8('v')]]);
  });

  it('hashStateTree equals reconstruct of the full hash tree', () => {
    for (const tree of [
      exampleState(),
      stateNode([]),
      utf8('leaf'),
      stateNode([['k', stateNode([])]]),
    ]) {
      expect(hex(hashStateTree(tree))).toBe(hex(reconstruct(toHashTree(tree))));
    }
  });

  it('hashStateTree reuses the memoised hash of a subtree shared between rounds', () => {
    const sharedLeaf = utf8('stable');
    const shared = stateNode([['leaf', sharedLeaf]]);
    const round1 = stateNode([
      ['shared', shared],
      ['time', utf8('1')],
    ]);
    const before = hex(hashStateTree(shared));
    hashStateTree(round1);
    // Deliberately break the "leaves are immutable" contract: only a memoised subtree hash
    // can still report the old value.
    sharedLeaf[0] = 0x53;
    const round2 = stateNode([
      ['shared', shared],
      ['time', utf8('2')],
    ]);
    expect(hex(hashStateTree(shared))).toBe(before);
    const expectedRound2 = stateNode([
      ['shared', stateNode([['leaf', utf8('stable')]])],
      ['time', utf8('2')],
    ]);
    expect(hex(hashStateTree(round2))).toBe(hex(hashStateTree(expectedRound2)));
  });
});

describe('StateTreeNode.with and without', () => {
  it('with inserts or replaces a child and keeps the order', () => {
    const base = exampleState();
    const inserted = base.with('bb', utf8('new'));
    expect(inserted.labels.map((label) => new TextDecoder().decode(label))).toEqual([
      'a',
      'b',
      'bb',
      'c',
      'd',
    ]);
    const replaced = base.with('b', utf8('bad'));
    expect(replaced.get('b')).toEqual(utf8('bad'));
    expect(base.get('b')).toEqual(utf8('good'));
  });

  it('with and without give the same hash as building the node from scratch', () => {
    const base = exampleState();
    hashStateTree(base);
    const changed = base.with('bb', utf8('new')).with('a', utf8('flat')).without('c');
    const scratch = stateNode([
      ['a', utf8('flat')],
      ['b', utf8('good')],
      ['bb', utf8('new')],
      ['d', utf8('morning')],
    ]);
    expect(hex(hashStateTree(changed))).toBe(hex(hashStateTree(scratch)));
    expect(hex(hashStateTree(changed))).toBe(hex(reconstruct(toHashTree(changed))));
  });

  it('with reuses the memoised hashes of unchanged siblings', () => {
    const sibling = utf8('sibling');
    const base = stateNode([['s', sibling]]);
    const expected = hex(hashStateTree(base.with('t', utf8('x'))));
    hashStateTree(base);
    sibling[0] = 0x53;
    // The sibling's labeled hash is carried over, so the mutation stays invisible.
    expect(hex(hashStateTree(base.with('t', utf8('x'))))).toBe(expected);
  });

  it('without returns the same node when the label is absent', () => {
    const base = exampleState();
    expect(base.without('zz')).toBe(base);
  });
});
