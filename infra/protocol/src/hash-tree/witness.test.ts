import { lookup_path as agentLookupPath, reconstruct as agentReconstruct } from '@dfinity/agent';
import type { HashTree as AgentHashTree } from '@dfinity/agent';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';

import { decodeCbor } from '../cbor/decode.js';
import { encodeCbor } from '../cbor/encode.js';
import { decodeHashTree } from './decode.js';
import { lookupPath } from './lookup.js';
import { reconstruct } from './reconstruct.js';
import { hashStateTree, stateNode } from './state-tree.js';
import type { StateTree, StateTreeNode } from './state-tree.js';
import type { HashTree, PathLabel } from './types.js';
import { isWellFormedHashTree } from './well-formed.js';
import { witness } from './witness.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const hex = (bytes: Uint8Array): string => bytesToHex(bytes);

function exampleState(): StateTreeNode {
  return stateNode([
    [
      'a',
      stateNode([
        ['x', utf8('hello')],
        ['y', utf8('world')],
      ]),
    ],
    ['b', utf8('good')],
    ['c', stateNode([])],
    ['d', utf8('morning')],
  ]);
}

function agentStatus(tree: HashTree, path: readonly PathLabel[]): string {
  return agentLookupPath([...path], tree as unknown as AgentHashTree).status.toLowerCase();
}

function expectSameRoot(state: StateTree, tree: HashTree): void {
  expect(hex(reconstruct(tree))).toBe(hex(hashStateTree(state)));
  expect(isWellFormedHashTree(tree)).toBe(true);
}

describe('witness', () => {
  it('witness reveals a requested leaf and prunes everything else', async () => {
    const state = exampleState();
    const tree = witness(state, [['a', 'x']]);
    expectSameRoot(state, tree);
    expect(lookupPath(tree, ['a', 'x'])).toEqual({ status: 'found', value: utf8('hello') });
    expect(lookupPath(tree, ['a', 'y'])).toEqual({ status: 'unknown' });
    expect(lookupPath(tree, ['b'])).toEqual({ status: 'unknown' });
    expect(lookupPath(tree, ['d'])).toEqual({ status: 'unknown' });
    expect(agentStatus(tree, ['a', 'x'])).toBe('found');
    expect(hex(await agentReconstruct(tree as unknown as AgentHashTree))).toBe(
      hex(hashStateTree(state)),
    );
  });

  it('witness collapses a fully pruned fork into one Pruned node', () => {
    const tree = witness(exampleState(), [['d']]);
    // Root fork: left half (a, b) has nothing requested.
    expect(tree[0]).toBe(1);
    const [, left, right] = tree as readonly [1, HashTree, HashTree];
    expect(left[0]).toBe(4);
    expect(right[0]).toBe(1);
    expect((right as readonly [1, HashTree, HashTree])[1][0]).toBe(4);
  });

  it('witness reveals the whole subtree when a path ends at an inner node', () => {
    const state = exampleState();
    const tree = witness(state, [['a']]);
    expectSameRoot(state, tree);
    expect(lookupPath(tree, ['a', 'x'])).toEqual({ status: 'found', value: utf8('hello') });
    expect(lookupPath(tree, ['a', 'y'])).toEqual({ status: 'found', value: utf8('world') });
    expect(agentStatus(tree, ['a', 'y'])).toBe('found');
  });

  it('witness of the empty path is the full tree and of no paths a single Pruned root', () => {
    const state = exampleState();
    expect(lookupPath(witness(state, [[]]), ['b'])).toEqual({
      status: 'found',
      value: utf8('good'),
    });
    expect(witness(state, [])).toEqual([4, hashStateTree(state)]);
  });

  it('witness merges overlapping paths, a shorter path covering longer ones', () => {
    const state = exampleState();
    const tree = witness(state, [['a', 'x'], ['a'], ['d'], ['a', 'x']]);
    expectSameRoot(state, tree);
    expect(lookupPath(tree, ['a', 'y']).status).toBe('found');
    expect(lookupPath(tree, ['d']).status).toBe('found');
    expect(lookupPath(tree, ['b']).status).toBe('unknown');
  });

  it.each<[string, PathLabel[]]>([
    ['after the last label', ['e']],
    ['before the first label', ['0']],
    ['between two labels', ['bb']],
    ['inside a node', ['a', 'xx']],
    ['below an empty node', ['c', 'x']],
  ])('witness proves a missing path %s absent', (_name, path) => {
    const state = exampleState();
    const tree = witness(state, [path]);
    expectSameRoot(state, tree);
    expect(lookupPath(tree, path)).toEqual({ status: 'absent' });
    // Agent 3.4.3 compares labels with its non-lexicographic isBufferGreaterThan, so it may
    // only say Unknown (e.g. for "bb" next to its prefix "b"); it must never say Found.
    expect(['absent', 'unknown']).toContain(agentStatus(tree, path));
    // Neighbours are revealed by label only: their values stay hidden.
    expect(lookupPath(tree, ['b']).status).not.toBe('found');
    expect(lookupPath(tree, ['d']).status).not.toBe('found');
  });

  it('witness prunes missing paths instead when proveAbsence is false', () => {
    const state = exampleState();
    const tree = witness(state, [['bb'], ['d']], { proveAbsence: false });
    expectSameRoot(state, tree);
    expect(lookupPath(tree, ['bb'])).toEqual({ status: 'unknown' });
    expect(lookupPath(tree, ['d'])).toEqual({ status: 'found', value: utf8('morning') });
    expect(lookupPath(tree, ['c'])).toEqual({ status: 'unknown' });
    expect(witness(state, [['zz']], { proveAbsence: false })).toEqual([4, hashStateTree(state)]);
  });

  it('witness prunes a leaf that a longer path runs through', () => {
    const state = exampleState();
    const tree = witness(state, [['b', 'deeper']]);
    expectSameRoot(state, tree);
    expect(lookupPath(tree, ['b', 'deeper'])).toEqual({ status: 'unknown' });
  });

  it('witness hides a prefix sibling so agent 3.4.3 can look up canister_ranges', () => {
    const ranges = encodeCbor([[new Uint8Array(), new Uint8Array([0xff])]]);
    const subnetId = new Uint8Array(29).fill(1);
    const state = stateNode([
      ['canister', stateNode([['x', utf8('1')]])],
      ['canister_ranges', stateNode([[subnetId, ranges]])],
      [
        'subnet',
        stateNode([
          [
            subnetId,
            stateNode([
              ['canister_ranges', ranges],
              ['public_key', utf8('k')],
            ]),
          ],
        ]),
      ],
      ['time', utf8('t')],
    ]);
    const path = ['canister_ranges', subnetId];
    const tree = witness(state, [path, ['time']]);
    expectSameRoot(state, tree);
    expect(agentStatus(tree, path)).toBe('found');
    expect(agentStatus(tree, ['time'])).toBe('found');
  });

  it('witness survives a CBOR round trip and decodeHashTree', () => {
    const state = exampleState();
    const tree = witness(state, [['a', 'y'], ['zz']]);
    const decoded = decodeHashTree(decodeCbor(encodeCbor(tree)));
    expect(decoded).toEqual(tree);
    expect(hex(reconstruct(decoded))).toBe(hex(hashStateTree(state)));
  });
});

/** Deterministic PRNG (mulberry32) so the random trees are reproducible. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Two-byte labels: no label is a proper prefix of another, so the agent's lookup is reliable. */
function randomLabel(random: () => number): Uint8Array {
  return new Uint8Array([Math.floor(random() * 6), Math.floor(random() * 6)]);
}

function randomTree(random: () => number, depth: number): StateTree {
  if (depth === 0 || random() < 0.25) {
    return new Uint8Array(
      Array.from({ length: Math.floor(random() * 4) }, () => Math.floor(random() * 256)),
    );
  }
  const entries = new Map<string, readonly [Uint8Array, StateTree]>();
  const count = Math.floor(random() * 9);
  for (let i = 0; i < count; i++) {
    const label = randomLabel(random);
    entries.set(hex(label), [label, randomTree(random, depth - 1)]);
  }
  return stateNode(entries.values());
}

/** A random path that follows existing labels for a while, then may go astray. */
function randomPath(random: () => number, tree: StateTree): Uint8Array[] {
  const path: Uint8Array[] = [];
  let current: StateTree | undefined = tree;
  while (current !== undefined && !(current instanceof Uint8Array) && random() < 0.8) {
    const node: StateTreeNode = current;
    if (node.size > 0 && random() < 0.8) {
      const index = Math.floor(random() * node.size);
      path.push(node.labels[index]);
      current = node.children[index];
    } else {
      path.push(randomLabel(random));
      current = undefined;
    }
  }
  return path;
}

/** The truth: lookup in the unpruned tree. */
function fullLookup(
  tree: StateTree,
  path: readonly Uint8Array[],
): 'leaf' | 'absent' | 'inner' | 'below-leaf' {
  let current: StateTree = tree;
  for (const label of path) {
    if (current instanceof Uint8Array) {
      return 'below-leaf';
    }
    const child = current.get(label);
    if (child === undefined) {
      return 'absent';
    }
    current = child;
  }
  return current instanceof Uint8Array ? 'leaf' : current.size === 0 ? 'absent' : 'inner';
}

describe('witness on random trees', () => {
  it('reconstruct(witness) equals hashStateTree and every requested path resolves correctly', async () => {
    const random = prng(20240601);
    for (let round = 0; round < 150; round++) {
      const state = randomTree(random, 4);
      const paths = Array.from({ length: 1 + Math.floor(random() * 4) }, () =>
        randomPath(random, state),
      );
      const tree = witness(state, paths);
      expectSameRoot(state, tree);
      expect(hex(await agentReconstruct(tree as unknown as AgentHashTree))).toBe(
        hex(hashStateTree(state)),
      );
      for (const path of paths) {
        const truth = fullLookup(state, path);
        const ours = lookupPath(tree, path);
        switch (truth) {
          case 'leaf': {
            let value: StateTree = state;
            for (const label of path) {
              value = (value as StateTreeNode).get(label) as StateTree;
            }
            expect(ours).toEqual({ status: 'found', value });
            expect(agentStatus(tree, path)).toBe('found');
            break;
          }
          case 'absent':
            expect(ours).toEqual({ status: 'absent' });
            // The agent's label comparison is not lexicographic; see the absence test above.
            expect(['absent', 'unknown']).toContain(agentStatus(tree, path));
            break;
          case 'inner':
            expect(ours).toEqual({ status: 'error' });
            break;
          case 'below-leaf':
            expect(ours.status).toBe('unknown');
            break;
        }
      }
    }
  });

  it('witness without absence proofs never reveals a label that was not requested', () => {
    const random = prng(7);
    for (let round = 0; round < 100; round++) {
      const state = randomTree(random, 3);
      const paths = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
        randomPath(random, state),
      );
      const tree = witness(state, paths, { proveAbsence: false });
      expectSameRoot(state, tree);
      const requested = new Set(paths.flatMap((path) => path.map(hex)));
      const revealed: string[] = [];
      const visit = (node: HashTree, insideWhole: boolean): void => {
        if (node[0] === 1) {
          visit(node[1], insideWhole);
          visit(node[2], insideWhole);
        } else if (node[0] === 2) {
          if (!insideWhole) {
            revealed.push(hex(node[1]));
          }
          // Below a fully requested path every label is legitimately revealed.
          visit(
            node[2],
            insideWhole ||
              paths.some((path) => path.length > 0 && hex(path[path.length - 1]) === hex(node[1])),
          );
        }
      };
      visit(
        tree,
        paths.some((path) => path.length === 0),
      );
      for (const label of revealed) {
        expect(requested.has(label)).toBe(true);
      }
    }
  });
});
