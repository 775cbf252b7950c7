import { reconstruct as agentReconstruct } from '@dfinity/agent';
import type { HashTree as AgentHashTree } from '@dfinity/agent';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';

import { encodeCbor } from '../cbor/encode.js';
import { EMPTY_TREE_HASH } from './hashing.js';
import { reconstruct } from './reconstruct.js';
import type { HashTree } from './types.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/**
 * The example tree of the interface spec ("Certification — Example"), with the spec's exact fork
 * shape: a → (x → "hello", y → "world"), b → "good", c → (), d → "morning".
 */
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

const SPEC_EXAMPLE_ROOT = 'eb5c5b2195e62d996b84c9bcc8259d19a83786a2f59e0878cec84c811f669aa0';

describe('reconstruct', () => {
  it('reconstruct gives the root hash of the interface spec example tree', () => {
    expect(bytesToHex(reconstruct(SPEC_EXAMPLE_TREE))).toBe(SPEC_EXAMPLE_ROOT);
  });

  it('the spec example tree encodes to the CBOR printed in the spec', () => {
    expect(bytesToHex(encodeCbor(SPEC_EXAMPLE_TREE, { selfDescribe: false }))).toBe(
      '8301830183024161830183018302417882034568656c6c6f810083024179820345776f726c6483024162820344676f6f648301830241638100830241648203476d6f726e696e67',
    );
  });

  it('reconstruct agrees with the agent on the spec example', async () => {
    const theirs = await agentReconstruct(SPEC_EXAMPLE_TREE as unknown as AgentHashTree);
    expect(bytesToHex(theirs)).toBe(SPEC_EXAMPLE_ROOT);
  });

  it('reconstruct of Empty is sha256 of the empty-tree separator', () => {
    const hash = bytesToHex(reconstruct([0]));
    expect(hash).toBe(bytesToHex(EMPTY_TREE_HASH));
    expect(hash.startsWith('4e3ed35c')).toBe(true);
    expect(hash.endsWith('d120')).toBe(true);
  });

  it('reconstruct keeps a Pruned hash as is, so pruning does not change the root', () => {
    const left = SPEC_EXAMPLE_TREE[1] as HashTree;
    const pruned: HashTree = [1, [4, reconstruct(left)], SPEC_EXAMPLE_TREE[2] as HashTree];
    expect(bytesToHex(reconstruct(pruned))).toBe(SPEC_EXAMPLE_ROOT);
  });
});
