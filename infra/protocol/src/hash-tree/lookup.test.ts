import { lookup_path as agentLookupPath } from '@dfinity/agent';
import type { HashTree as AgentHashTree } from '@dfinity/agent';
import { describe, expect, it } from 'vitest';

import { flattenForks, lookupPath } from './lookup.js';
import { reconstruct } from './reconstruct.js';
import type { HashTree, LookupResult, PathLabel } from './types.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** The interface spec's example tree ("Certification — Example") in the spec's fork shape. */
const SPEC_EXAMPLE_TREE: HashTree = [
  1,
  [
    1,
    [
      2,
      utf8('a'),
      [1, [1, [2, utf8('x'), [3, utf8('hello')]], [0]], [2, utf8('y'), [3, utf8('world')]]],
    ],
    [2, utf8('b'), [3, utf8('good')]],
  ],
  [1, [2, utf8('c'), [0]], [2, utf8('d'), [3, utf8('morning')]]],
];

const found = (text: string): LookupResult => ({ status: 'found', value: utf8(text) });

function agentStatus(tree: HashTree, path: readonly PathLabel[]): string {
  return agentLookupPath([...path], tree as unknown as AgentHashTree).status.toLowerCase();
}

describe('lookupPath on the spec example', () => {
  it.each<[string, PathLabel[], LookupResult]>([
    ['/a/x', ['a', 'x'], found('hello')],
    ['/a/y', ['a', 'y'], found('world')],
    ['/b', ['b'], found('good')],
    ['/d', ['d'], found('morning')],
    ['/c (an Empty node)', ['c'], { status: 'absent' }],
    ['/c/x (below an Empty node)', ['c', 'x'], { status: 'absent' }],
    ['/e (after the last label)', ['e'], { status: 'absent' }],
    ['/0 (before the first label)', ['0'], { status: 'absent' }],
    ['/bb (between two labels)', ['bb'], { status: 'absent' }],
    ['/a/z', ['a', 'z'], { status: 'absent' }],
    ['/b/x (below a leaf)', ['b', 'x'], { status: 'absent' }],
    ['/a (an inner node)', ['a'], { status: 'error' }],
    ['/ (the root)', [], { status: 'error' }],
  ])('lookupPath resolves %s', (_name, path, expected) => {
    expect(lookupPath(SPEC_EXAMPLE_TREE, path)).toEqual(expected);
  });

  it('lookupPath agrees with the agent on the spec example', () => {
    for (const path of [['a', 'x'], ['b'], ['d'], ['c'], ['e'], ['a', 'z']]) {
      expect(lookupPath(SPEC_EXAMPLE_TREE, path).status).toBe(agentStatus(SPEC_EXAMPLE_TREE, path));
    }
  });

  it('lookupPath finds /a/y behind an Empty node inside a fork, which agent 3.4.3 misses', () => {
    // The agent's find_label treats the Empty in Fork(Fork(x, Empty), y) as a definite miss.
    expect(lookupPath(SPEC_EXAMPLE_TREE, ['a', 'y'])).toEqual(found('world'));
    expect(agentStatus(SPEC_EXAMPLE_TREE, ['a', 'y'])).toBe('absent');
  });

  it('lookupPath accepts byte labels', () => {
    expect(lookupPath(SPEC_EXAMPLE_TREE, [utf8('a'), utf8('x')])).toEqual(found('hello'));
  });
});

describe('lookupPath on pruned trees', () => {
  const left = SPEC_EXAMPLE_TREE[1] as HashTree;
  const right = SPEC_EXAMPLE_TREE[2] as HashTree;

  it('lookupPath answers unknown for a label hidden by a Pruned node', () => {
    const tree: HashTree = [1, [4, reconstruct(left)], right];
    expect(lookupPath(tree, ['a', 'x'])).toEqual({ status: 'unknown' });
    expect(lookupPath(tree, ['b'])).toEqual({ status: 'unknown' });
    expect(lookupPath(tree, ['d'])).toEqual(found('morning'));
  });

  it('lookupPath answers absent only when adjacent revealed labels enclose the label', () => {
    // [b: pruned] [c] [d]: "bb" lies between revealed b and c.
    const tree: HashTree = [
      1,
      [2, utf8('b'), [4, new Uint8Array(32)]],
      [1, [2, utf8('c'), [0]], [4, new Uint8Array(32)]],
    ];
    expect(lookupPath(tree, ['bb'])).toEqual({ status: 'absent' });
    expect(lookupPath(tree, ['a'])).toEqual({ status: 'absent' });
    expect(lookupPath(tree, ['e'])).toEqual({ status: 'unknown' });
    expect(lookupPath(tree, ['b'])).toEqual({ status: 'unknown' });
  });

  it('lookupPath answers unknown at a Pruned node at the end of the path', () => {
    expect(lookupPath([4, new Uint8Array(32)], [])).toEqual({ status: 'unknown' });
  });

  it('lookupPath compares labels bytewise with a proper prefix first (no agent prefix bug)', () => {
    const tree: HashTree = [
      1,
      [2, utf8('canister'), [3, utf8('c')]],
      [2, utf8('canister_ranges'), [3, utf8('r')]],
    ];
    expect(lookupPath(tree, ['canister_ranges'])).toEqual(found('r'));
    // Agent 3.4.3 misreads this tree (digest §10 pitfall 4); the witness builder avoids it.
    expect(agentStatus(tree, ['canister_ranges'])).toBe('absent');
  });
});

describe('flattenForks', () => {
  it('flattenForks lists the non-fork nodes left to right and drops Empty', () => {
    const forest = flattenForks(SPEC_EXAMPLE_TREE);
    expect(forest.map((node) => new TextDecoder().decode(node[1] as Uint8Array))).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
    expect(flattenForks([0])).toEqual([]);
  });
});
