/**
 * A (possibly pruned) hash tree as it travels in certificates (interface spec "Certificate
 * encoding"): `[0]` Empty, `[1, left, right]` Fork, `[2, label, subtree]` Labeled,
 * `[3, value]` Leaf, `[4, hash]` Pruned. Node types are small JS numbers because the agent
 * compares them with `===` against its `NodeType` enum.
 */
export type HashTree =
  | readonly [0]
  | readonly [1, HashTree, HashTree]
  | readonly [2, Uint8Array, HashTree]
  | readonly [3, Uint8Array]
  | readonly [4, Uint8Array];

/** Node type numbers of {@link HashTree}. */
export const HashTreeNodeType = {
  EMPTY: 0,
  FORK: 1,
  LABELED: 2,
  LEAF: 3,
  PRUNED: 4,
} as const;

/** A path label: raw bytes, or text that stands for its UTF-8 bytes. */
export type PathLabel = Uint8Array | string;

/**
 * Outcome of looking a path up in a hash tree (interface spec "Lookup"): `found` with the leaf
 * value, provably `absent`, `unknown` because pruning hides the answer, or `error` when the path
 * ends at an inner node.
 */
export type LookupResult =
  | { readonly status: 'found'; readonly value: Uint8Array }
  | { readonly status: 'absent' }
  | { readonly status: 'unknown' }
  | { readonly status: 'error' };
