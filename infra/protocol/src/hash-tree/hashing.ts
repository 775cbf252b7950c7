import { sha256 } from '@noble/hashes/sha2.js';

import { DomainSeparator, domainSeparatorPrefix } from '../domain-separator.js';

// Prefixes computed once: hashing a state tree calls these for every node.
const EMPTY_PREFIX = domainSeparatorPrefix(DomainSeparator.HASHTREE_EMPTY);
const FORK_PREFIX = domainSeparatorPrefix(DomainSeparator.HASHTREE_FORK);
const LABELED_PREFIX = domainSeparatorPrefix(DomainSeparator.HASHTREE_LABELED);
const LEAF_PREFIX = domainSeparatorPrefix(DomainSeparator.HASHTREE_LEAF);

/** sha256(0x11 "ic-hashtree-empty"), the hash of an Empty node (`4e3ed35c…d120`). */
export const EMPTY_TREE_HASH: Uint8Array = sha256(EMPTY_PREFIX);

/** sha256(0x10 "ic-hashtree-fork" ‖ left ‖ right). */
export function forkHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256.create().update(FORK_PREFIX).update(left).update(right).digest();
}

/** sha256(0x13 "ic-hashtree-labeled" ‖ label ‖ subtree). */
export function labeledHash(label: Uint8Array, subtree: Uint8Array): Uint8Array {
  return sha256.create().update(LABELED_PREFIX).update(label).update(subtree).digest();
}

/** sha256(0x10 "ic-hashtree-leaf" ‖ value). */
export function leafHash(value: Uint8Array): Uint8Array {
  return sha256.create().update(LEAF_PREFIX).update(value).digest();
}
