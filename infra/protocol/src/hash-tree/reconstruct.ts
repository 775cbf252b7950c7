import { EMPTY_TREE_HASH, forkHash, labeledHash, leafHash } from './hashing.js';
import type { HashTree } from './types.js';

/**
 * The root hash of a hash tree (interface spec "reconstruct"); a certificate's BLS signature
 * covers `0x0D "ic-state-root" ‖ reconstruct(tree)`.
 */
export function reconstruct(tree: HashTree): Uint8Array {
  switch (tree[0]) {
    case 0:
      return EMPTY_TREE_HASH;
    case 1:
      return forkHash(reconstruct(tree[1]), reconstruct(tree[2]));
    case 2:
      return labeledHash(tree[1], reconstruct(tree[2]));
    case 3:
      return leafHash(tree[1]);
    case 4:
      return tree[1];
  }
}
