import { describe, expect, it } from 'vitest';

import { decodeCbor } from '../cbor/decode.js';
import { encodeCbor } from '../cbor/encode.js';
import type { CborValue } from '../cbor/types.js';
import { CitadelError } from '../errors.js';
import { decodeHashTree } from './decode.js';
import { HashTreeErrorCode } from './errors.js';
import type { HashTree } from './types.js';

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

function codeOf(value: unknown): string | undefined {
  try {
    decodeHashTree(value as CborValue);
  } catch (error) {
    expect(error).toBeInstanceOf(CitadelError);
    expect((error as CitadelError).kind).toBe('protocol');
    return (error as CitadelError).code;
  }
  return undefined;
}

describe('decodeHashTree', () => {
  it('decodeHashTree accepts every node type after a CBOR round trip', () => {
    const tree: HashTree = [
      1,
      [1, [0], [2, bytes(1), [3, bytes(2, 3)]]],
      [4, new Uint8Array(32).fill(7)],
    ];
    expect(decodeHashTree(decodeCbor(encodeCbor(tree)))).toEqual(tree);
  });

  it('decodeHashTree fails when a node is not an array', () => {
    expect(codeOf(bytes(0))).toBe(HashTreeErrorCode.MALFORMED_NODE);
    expect(codeOf([])).toBe(HashTreeErrorCode.MALFORMED_NODE);
    expect(codeOf({ 0: 0 })).toBe(HashTreeErrorCode.MALFORMED_NODE);
  });

  it.each([[5], ['1'], [1n], [-1], [null]])('decodeHashTree fails on the node type %o', (type) => {
    expect(codeOf([type])).toBe(HashTreeErrorCode.UNKNOWN_NODE_TYPE);
  });

  it.each<[string, unknown]>([
    ['an Empty node with a payload', [0, bytes()]],
    ['a Fork with one child', [1, [0]]],
    ['a Labeled node without subtree', [2, bytes(1)]],
    ['a Leaf with two values', [3, bytes(), bytes()]],
    ['a Labeled node with a text label', [2, 'a', [0]]],
    ['a Leaf with a number value', [3, 5]],
    ['a Fork whose child is malformed', [1, [0], [3]]],
  ])('decodeHashTree fails on %s', (_name, value) => {
    expect(codeOf(value)).toBe(HashTreeErrorCode.MALFORMED_NODE);
  });

  it('decodeHashTree fails when a Pruned hash is not 32 bytes', () => {
    expect(codeOf([4, new Uint8Array(31)])).toBe(HashTreeErrorCode.INVALID_PRUNED_HASH);
  });

  it('decodeHashTree names the offending position', () => {
    try {
      decodeHashTree([1, [0], [1, [0], [9]]]);
    } catch (error) {
      expect((error as CitadelError).message).toContain('tree.2.2');
      expect((error as CitadelError).details.path).toEqual([2, 2]);
    }
    expect.assertions(2);
  });

  it('decodeHashTree fails on trees nested deeper than 256 levels', () => {
    let deep: CborValue = [0];
    for (let i = 0; i < 300; i++) {
      deep = [1, deep, [0]];
    }
    expect(codeOf(deep)).toBe(HashTreeErrorCode.MAX_DEPTH);
  });
});
