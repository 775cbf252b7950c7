/** Stable codes of hash-tree failures. */
export const HashTreeErrorCode = {
  /** A node is not an array of the right arity and field types. */
  MALFORMED_NODE: 'PROTO_HASH_TREE_MALFORMED_NODE',
  /** A node's first element is not one of the numbers 0–4. */
  UNKNOWN_NODE_TYPE: 'PROTO_HASH_TREE_UNKNOWN_NODE_TYPE',
  /** A Pruned node whose hash is not 32 bytes. */
  INVALID_PRUNED_HASH: 'PROTO_HASH_TREE_INVALID_PRUNED_HASH',
  /** A tree nested deeper than the decoder allows. */
  MAX_DEPTH: 'PROTO_HASH_TREE_MAX_DEPTH',
  /** Two children of one state-tree node share a label. */
  DUPLICATE_LABEL: 'PROTO_HASH_TREE_DUPLICATE_LABEL',
  /** A state-tree label or child of the wrong type. */
  INVALID_STATE_TREE: 'PROTO_HASH_TREE_INVALID_STATE_TREE',
} as const;

/** One of the {@link HashTreeErrorCode} strings. */
export type HashTreeErrorCode = (typeof HashTreeErrorCode)[keyof typeof HashTreeErrorCode];
