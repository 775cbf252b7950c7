import { bytesEqual, compareBytes } from '../byte-order.js';
import type { HashTree, LookupResult, PathLabel } from './types.js';

const textEncoder = new TextEncoder();

/** The bytes of a path label; text stands for its UTF-8 encoding. */
export function labelBytes(label: PathLabel): Uint8Array {
  return typeof label === 'string' ? textEncoder.encode(label) : label;
}

/**
 * Looks a path up following the interface spec's `lookup_path` exactly (section
 * "Certificate / Lookup"), with correct bytewise label order (unlike agent 3.4.3's `find_label`).
 */
export function lookupPath(tree: HashTree, path: readonly PathLabel[]): LookupResult {
  let current = tree;
  for (const label of path) {
    const found = findLabel(labelBytes(label), flattenForks(current));
    if (found.status !== 'found') {
      return found;
    }
    current = found.subtree;
  }
  switch (current[0]) {
    case 0:
      return { status: 'absent' };
    case 3:
      return { status: 'found', value: current[1] };
    case 4:
      return { status: 'unknown' };
    default:
      return { status: 'error' };
  }
}

/** `flatten_forks`: the non-fork, non-empty nodes under a run of forks, left to right. */
export function flattenForks(tree: HashTree): HashTree[] {
  const result: HashTree[] = [];
  const stack: HashTree[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop() as HashTree;
    if (node[0] === 1) {
      stack.push(node[2], node[1]);
    } else if (node[0] !== 0) {
      result.push(node);
    }
  }
  return result;
}

type FindResult =
  | { readonly status: 'found'; readonly subtree: HashTree }
  | { readonly status: 'absent' }
  | { readonly status: 'unknown' };

/** The spec's `find_label` over a flattened forest, pattern by pattern. */
function findLabel(label: Uint8Array, forest: readonly HashTree[]): FindResult {
  for (const node of forest) {
    if (node[0] === 2 && bytesEqual(node[1], label)) {
      return { status: 'found', subtree: node[2] };
    }
  }
  if (forest.length === 0) {
    return { status: 'absent' };
  }
  if (forest.length === 1 && forest[0][0] === 3) {
    return { status: 'absent' };
  }
  const first = forest[0];
  if (first[0] === 2 && compareBytes(label, first[1]) < 0) {
    return { status: 'absent' };
  }
  const last = forest[forest.length - 1];
  if (last[0] === 2 && compareBytes(last[1], label) < 0) {
    return { status: 'absent' };
  }
  for (let i = 0; i + 1 < forest.length; i++) {
    const left = forest[i];
    const right = forest[i + 1];
    if (
      left[0] === 2 &&
      right[0] === 2 &&
      compareBytes(left[1], label) < 0 &&
      compareBytes(label, right[1]) < 0
    ) {
      return { status: 'absent' };
    }
  }
  return { status: 'unknown' };
}
