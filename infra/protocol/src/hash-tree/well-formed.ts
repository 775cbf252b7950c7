import { compareBytes } from '../byte-order.js';
import { flattenForks } from './lookup.js';
import type { HashTree } from './types.js';

/**
 * The spec's `well_formed` (section "Certificate / Lookup"): under every node, the flattened
 * forks hold labeled subtrees in strictly increasing label order and no leaves.
 */
export function isWellFormedHashTree(tree: HashTree): boolean {
  if (tree[0] === 3) {
    return true;
  }
  const forest = flattenForks(tree);
  let previous: Uint8Array | undefined;
  for (const node of forest) {
    if (node[0] === 3) {
      return false;
    }
    if (node[0] === 2) {
      if (previous !== undefined && compareBytes(previous, node[1]) >= 0) {
        return false;
      }
      previous = node[1];
      if (!isWellFormedHashTree(node[2])) {
        return false;
      }
    }
  }
  return true;
}
