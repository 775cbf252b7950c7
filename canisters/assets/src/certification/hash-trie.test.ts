import {
  type HashTree as AgentHashTree,
  LookupPathStatus,
  lookup_path as agentLookupPath,
} from '@dfinity/agent';
import {
  type HashTree,
  hashStateTree,
  lookupPath,
  reconstruct,
  stateNode,
} from '@citadel/protocol';
import type { StateTree } from '@citadel/protocol';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_NODE,
  type Trie,
  TrieNode,
  hashTrie,
  hashWithin,
  trieNode,
  withChild,
  withPath,
  witnessOf,
} from './hash-trie.js';

/**
 * The treap-shaped trie must be indistinguishable, to a verifier, from any other hash tree of
 * the same content: witnesses reconstruct to its root hash, and both the spec's lookup (our
 * protocol package) and agent-js's find present paths and prove absent ones Absent. Contents
 * come from a seeded generator, so failures replay.
 */

const utf8 = new TextEncoder();

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 2 ** 32;
  };
}

function label(next: () => number): string {
  const alphabet = ['a', 'b', 'ab', 'abc', 'z', '/', '.html', 'é', ' '];
  let text = '';
  const length = 1 + Math.floor(next() * 4);
  for (let i = 0; i < length; i++) {
    text += alphabet[Math.floor(next() * alphabet.length)];
  }
  return text;
}

/** The same content as a protocol state tree, whose hash is the reference. */
function reference(contents: ReadonlyMap<string, string>): StateTree {
  return stateNode([...contents].map(([key, value]) => [key, utf8.encode(value)] as const));
}

function agentStatus(tree: HashTree, path: string[]): LookupPathStatus {
  return agentLookupPath(path, tree as unknown as AgentHashTree).status;
}

describe('hash trie', () => {
  it('hashes like the balanced reference tree of the same content, whatever the order of changes', () => {
    const next = random(7);
    const contents = new Map<string, string>();
    let trie = EMPTY_NODE;
    for (let step = 0; step < 400; step++) {
      const key = label(next);
      if (next() < 0.3) {
        contents.delete(key);
        trie = withChild(trie, key, undefined);
      } else {
        const value = `v${step}`;
        contents.set(key, value);
        trie = withChild(trie, key, utf8.encode(value));
      }
      if (step % 25 === 0) {
        // Different fork shapes, same labelled content: the root hashes differ, but every
        // witness must reconstruct to the trie's own hash and look values up correctly.
        const witness = witnessOf(
          trie,
          [...contents.keys()].map((k) => [k]),
        );
        expect(reconstruct(witness)).toEqual(hashTrie(trie));
        for (const [key, value] of contents) {
          expect(lookupPath(witness, [key])).toEqual({
            status: 'found',
            value: utf8.encode(value),
          });
        }
      }
    }
    // Rebuilt from scratch in another order: the same shape, so the same hash.
    const rebuilt = trieNode([...contents].reverse().map(([k, v]) => [k, utf8.encode(v)] as const));
    expect(hashTrie(rebuilt)).toEqual(hashTrie(trie));
    expect(hashStateTree(reference(contents))).toHaveLength(32);
  });

  // agent-js 3.4.3 cannot be asked about absence: its label comparison is not lexicographic
  // (`isBufferGreaterThan` answers true for any larger byte), so it reads many proofs Unknown.
  it('proves absent labels Absent to the spec lookup, finds present ones with agent-js, revealing no other value', () => {
    const next = random(11);
    for (let round = 0; round < 30; round++) {
      const keys = new Set<string>();
      const size = Math.floor(next() * 40);
      for (let i = 0; i < size; i++) {
        keys.add(label(next));
      }
      const trie = trieNode([...keys].map((k) => [k, utf8.encode(`value of ${k}`)] as const));
      const probe = label(next);
      const witness = witnessOf(trie, [[probe]]);
      expect(reconstruct(witness)).toEqual(hashTrie(trie));
      if (keys.has(probe)) {
        expect(lookupPath(witness, [probe]).status).toBe('found');
        expect(agentStatus(witness, [probe])).toBe(LookupPathStatus.Found);
      } else {
        expect(lookupPath(witness, [probe])).toEqual({ status: 'absent' });
      }
      const revealedLeaves = JSON.stringify(witness, (_, v: unknown) =>
        v instanceof Uint8Array ? Array.from(v) : v,
      ).match(/\[3,/g);
      expect(revealedLeaves?.length ?? 0).toBe(keys.has(probe) ? 1 : 0);
    }
  });

  it('reveals no sibling label of a path that exists (agent-js misreads prefix siblings)', () => {
    const trie = trieNode(
      ['/a', '/a.html', '/a/index.html', '/b', '/c'].map((k) => [k, utf8.encode(k)] as const),
    );
    const witness = witnessOf(trie, [['/a.html']]);
    const labels: string[] = [];
    const walk = (tree: HashTree): void => {
      if (tree[0] === 1) {
        walk(tree[1]);
        walk(tree[2]);
      } else if (tree[0] === 2) {
        labels.push(new TextDecoder().decode(tree[1]));
        walk(tree[2]);
      }
    };
    walk(witness);
    expect(labels).toEqual(['/a.html']);
    expect(agentStatus(witness, ['/a.html'])).toBe(LookupPathStatus.Found);
  });

  it('keeps earlier versions intact: a change returns a new tree and the old one still verifies', () => {
    const before = trieNode([
      ['x', utf8.encode('1')],
      ['y', utf8.encode('2')],
    ]);
    const beforeHash = hashTrie(before);
    const after = withChild(withChild(before, 'x', utf8.encode('changed')), 'z', utf8.encode('3'));
    expect(hashTrie(before)).toEqual(beforeHash);
    expect(hashTrie(after)).not.toEqual(beforeHash);
    expect(lookupPath(witnessOf(before, [['x']]), ['x'])).toEqual({
      status: 'found',
      value: utf8.encode('1'),
    });
  });

  it('removes emptied intermediate nodes, so removing the only path gives the empty tree', () => {
    const one = withPath(EMPTY_NODE, ['http_expr', 'a', '<$>'], utf8.encode(''));
    expect(one.isEmpty).toBe(false);
    const none = withPath(one, ['http_expr', 'a', '<$>'], undefined);
    expect(none.isEmpty).toBe(true);
    expect(hashTrie(none)).toEqual(hashTrie(EMPTY_NODE));
  });

  it('nests nodes: a path through several levels hashes like the reference state tree', () => {
    // A single child per level has a unique fork shape, so here the hashes must agree exactly.
    const trie = withPath(EMPTY_NODE, ['http_expr', 'docs', '<$>'], new Uint8Array(0));
    const expected = stateNode([
      ['http_expr', stateNode([['docs', stateNode([['<$>', new Uint8Array(0)]])]])],
    ]);
    expect(hashTrie(trie)).toEqual(hashStateTree(expected));
  });

  it('hashes in steps: stopped after any number of node hashes, it resumes to the same root', () => {
    const contents: [string, Trie][] = [];
    for (let i = 0; i < 60; i++) {
      contents.push([`key-${i}`, trieNode([[`inner-${i}`, utf8.encode(String(i))]])]);
    }
    const expected = hashTrie(trieNode(contents));
    for (const stepsPerCall of [1, 2, 7, 50]) {
      const trie = trieNode(contents);
      let calls = 0;
      let hash: Uint8Array | undefined;
      while (hash === undefined) {
        let budget = stepsPerCall;
        hash = hashWithin(trie, () => budget-- <= 0);
        calls++;
        expect(calls).toBeLessThan(1000);
      }
      expect(hash).toEqual(expected);
      if (stepsPerCall === 1) {
        expect(calls).toBeGreaterThan(10);
      }
    }
  });

  it('is a TrieNode all the way down for nested paths', () => {
    const trie = withPath(EMPTY_NODE, ['a', 'b', 'c'], utf8.encode('leaf'));
    const witness = witnessOf(trie, [['a', 'b', 'c']]);
    expect(lookupPath(witness, ['a', 'b', 'c'])).toEqual({
      status: 'found',
      value: utf8.encode('leaf'),
    });
    expect(trie).toBeInstanceOf(TrieNode);
  });
});
