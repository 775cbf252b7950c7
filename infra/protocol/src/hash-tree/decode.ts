import type { CborValue } from '../cbor/types.js';
import { CitadelError } from '../errors.js';
import { HashTreeErrorCode } from './errors.js';
import type { HashTree } from './types.js';

/** Deepest tree {@link decodeHashTree} accepts; CBOR decoding usually limits depth first. */
const MAX_TREE_DEPTH = 256;

/**
 * Validates the shape of a decoded CBOR value and returns it as a {@link HashTree}
 * (interface spec "Certificate encoding"). Does not check label order; see isWellFormedHashTree.
 */
export function decodeHashTree(value: CborValue): HashTree {
  return decodeNode(value, 0, '');
}

function decodeNode(value: CborValue, depth: number, path: string): HashTree {
  if (depth > MAX_TREE_DEPTH) {
    throw treeError(
      HashTreeErrorCode.MAX_DEPTH,
      path,
      `the tree is nested more than ${MAX_TREE_DEPTH} levels deep`,
    );
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw treeError(HashTreeErrorCode.MALFORMED_NODE, path, 'expected a non-empty array');
  }
  const node = value as readonly CborValue[];
  const type = node[0];
  switch (type) {
    case 0:
      expectArity(node, 1, path, 'Empty');
      return [0];
    case 1:
      expectArity(node, 3, path, 'Fork');
      return [
        1,
        decodeNode(node[1], depth + 1, `${path}.1`),
        decodeNode(node[2], depth + 1, `${path}.2`),
      ];
    case 2:
      expectArity(node, 3, path, 'Labeled');
      return [
        2,
        expectBytes(node[1], `${path}.1`, 'label'),
        decodeNode(node[2], depth + 1, `${path}.2`),
      ];
    case 3:
      expectArity(node, 2, path, 'Leaf');
      return [3, expectBytes(node[1], `${path}.1`, 'value')];
    case 4: {
      expectArity(node, 2, path, 'Pruned');
      const hash = expectBytes(node[1], `${path}.1`, 'hash');
      if (hash.length !== 32) {
        throw treeError(
          HashTreeErrorCode.INVALID_PRUNED_HASH,
          path,
          `a Pruned node must hold a 32-byte SHA-256 hash, got ${hash.length} bytes`,
        );
      }
      return [4, hash];
    }
    default:
      throw treeError(
        HashTreeErrorCode.UNKNOWN_NODE_TYPE,
        path,
        `node type ${describeNodeType(type)} is not one of 0 (Empty), 1 (Fork), 2 (Labeled), 3 (Leaf), 4 (Pruned)`,
      );
  }
}

function expectArity(node: readonly CborValue[], arity: number, path: string, name: string): void {
  if (node.length !== arity) {
    throw treeError(
      HashTreeErrorCode.MALFORMED_NODE,
      path,
      `a ${name} node has ${arity} element(s), got ${node.length}`,
    );
  }
}

function expectBytes(value: CborValue, path: string, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw treeError(HashTreeErrorCode.MALFORMED_NODE, path, `the ${what} must be a byte string`);
  }
  return value;
}

function treeError(code: string, path: string, reason: string): CitadelError {
  const where = path === '' ? 'the root' : `tree${path}`;
  return new CitadelError('protocol', code, `Invalid hash tree at ${where}: ${reason}.`, {
    path: path === '' ? [] : path.slice(1).split('.').map(Number),
  });
}

function describeNodeType(type: CborValue): string {
  if (typeof type === 'number') {
    return String(type);
  }
  if (typeof type === 'bigint') {
    return `${type}n`;
  }
  if (typeof type === 'string') {
    return JSON.stringify(type);
  }
  return type === null ? 'null' : `(a ${type instanceof Uint8Array ? 'byte string' : typeof type})`;
}
