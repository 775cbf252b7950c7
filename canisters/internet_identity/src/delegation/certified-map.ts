import { EMPTY_TREE_HASH, type HashTree, compareBytes, reconstruct } from '@citadel/protocol';

/**
 * A map from byte labels to leaves or nested maps whose IC hash tree (interface spec
 * "Certification") stays cheap to keep certified as entries come and go: the entries form an
 * AVL tree ordered by label, and a node's hash tree is `fork(left, fork(labeled, right))`
 * (sides that are missing left out), which flattens to the labels in increasing order, so
 * any such shape is a well-formed tree. Each node remembers its hashes; a change forgets only
 * those of the O(log n) nodes above it, and the next {@link CertifiedMap.rootHash} recomputes
 * just those. SHA-256 is what costs in a canister (millions of instructions a node), so this
 * matters more than the pointer work. Unlike a treap keyed by hashes, an AVL tree stays
 * balanced whatever labels a caller picks. Node hashes are computed with `reconstruct` of
 * one-node trees, the same code that checks certificates.
 */

/** A value: a leaf's bytes, or a nested map. */
export type CertifiedValue = Uint8Array | CertifiedMap;

interface Node {
  readonly label: Uint8Array;
  value: CertifiedValue;
  left: Node | undefined;
  right: Node | undefined;
  height: number;
  /** `labeled(label, value)`; undefined once the value changed. */
  entryHash: Uint8Array | undefined;
  /** The entry forked with the right subtree; undefined once either changed. */
  rightHash: Uint8Array | undefined;
  /** The whole subtree; undefined once anything in it changed. */
  hash: Uint8Array | undefined;
}

const forkHash = (left: Uint8Array, right: Uint8Array) => reconstruct([1, [4, left], [4, right]]);
const labeledHash = (label: Uint8Array, subtree: Uint8Array) =>
  reconstruct([2, label, [4, subtree]]);

/** Leaf values here are few and shared (the empty leaf): hash each object once. */
const leafHashes = new WeakMap<Uint8Array, Uint8Array>();

function valueHash(value: CertifiedValue): Uint8Array {
  if (value instanceof CertifiedMap) {
    return value.rootHash();
  }
  let hash = leafHashes.get(value);
  if (hash === undefined) {
    hash = reconstruct([3, value]);
    leafHashes.set(value, hash);
  }
  return hash;
}

const heightOf = (node: Node | undefined) => node?.height ?? 0;

function entryHashOf(node: Node): Uint8Array {
  node.entryHash ??= labeledHash(node.label, valueHash(node.value));
  return node.entryHash;
}

function rightHashOf(node: Node): Uint8Array {
  node.rightHash ??=
    node.right === undefined ? entryHashOf(node) : forkHash(entryHashOf(node), hashOf(node.right));
  return node.rightHash;
}

function hashOf(node: Node): Uint8Array {
  node.hash ??=
    node.left === undefined ? rightHashOf(node) : forkHash(hashOf(node.left), rightHashOf(node));
  return node.hash;
}

/** Forgets what a new left subtree invalidates. */
function leftChanged(node: Node): void {
  node.hash = undefined;
}

/** Forgets what a new right subtree invalidates. */
function rightChanged(node: Node): void {
  node.rightHash = undefined;
  node.hash = undefined;
}

function rotateRight(node: Node): Node {
  const pivot = node.left as Node;
  node.left = pivot.right;
  pivot.right = node;
  leftChanged(node);
  rightChanged(pivot);
  node.height = 1 + Math.max(heightOf(node.left), heightOf(node.right));
  pivot.height = 1 + Math.max(heightOf(pivot.left), heightOf(pivot.right));
  return pivot;
}

function rotateLeft(node: Node): Node {
  const pivot = node.right as Node;
  node.right = pivot.left;
  pivot.left = node;
  rightChanged(node);
  leftChanged(pivot);
  node.height = 1 + Math.max(heightOf(node.left), heightOf(node.right));
  pivot.height = 1 + Math.max(heightOf(pivot.left), heightOf(pivot.right));
  return pivot;
}

/** Restores the AVL balance of `node`, whose subtrees are balanced and differ in height by ≤ 2. */
function rebalance(node: Node): Node {
  node.height = 1 + Math.max(heightOf(node.left), heightOf(node.right));
  const balance = heightOf(node.left) - heightOf(node.right);
  if (balance > 1) {
    const left = node.left as Node;
    if (heightOf(left.left) < heightOf(left.right)) {
      node.left = rotateLeft(left);
    }
    return rotateRight(node);
  }
  if (balance < -1) {
    const right = node.right as Node;
    if (heightOf(right.right) < heightOf(right.left)) {
      node.right = rotateRight(right);
    }
    return rotateLeft(node);
  }
  return node;
}

function insert(node: Node | undefined, label: Uint8Array, value: CertifiedValue): Node {
  if (node === undefined) {
    return {
      label,
      value,
      left: undefined,
      right: undefined,
      height: 1,
      entryHash: undefined,
      rightHash: undefined,
      hash: undefined,
    };
  }
  const order = compareBytes(label, node.label);
  if (order === 0) {
    node.value = value;
    node.entryHash = undefined;
    rightChanged(node);
    return node;
  }
  if (order < 0) {
    node.left = insert(node.left, label, value);
    leftChanged(node);
  } else {
    node.right = insert(node.right, label, value);
    rightChanged(node);
  }
  return rebalance(node);
}

/** `node` without its leftmost node, which is returned as `min`. */
function removeMin(node: Node): { rest: Node | undefined; min: Node } {
  if (node.left === undefined) {
    return { rest: node.right, min: node };
  }
  const { rest, min } = removeMin(node.left);
  node.left = rest;
  leftChanged(node);
  return { rest: rebalance(node), min };
}

/** `node` without `label`, which must be in it. */
function remove(node: Node, label: Uint8Array): Node | undefined {
  const order = compareBytes(label, node.label);
  if (order < 0) {
    node.left = remove(node.left as Node, label);
    leftChanged(node);
    return rebalance(node);
  }
  if (order > 0) {
    node.right = remove(node.right as Node, label);
    rightChanged(node);
    return rebalance(node);
  }
  if (node.left === undefined || node.right === undefined) {
    return node.left ?? node.right;
  }
  // Two children: the next label up takes this node's place.
  const { rest, min: successor } = removeMin(node.right);
  successor.left = node.left;
  successor.right = rest;
  rightChanged(successor);
  return rebalance(successor);
}

function find(node: Node | undefined, label: Uint8Array): Node | undefined {
  while (node !== undefined) {
    const order = compareBytes(label, node.label);
    if (order === 0) {
      return node;
    }
    node = order < 0 ? node.left : node.right;
  }
  return undefined;
}

/** A mutable certified map; see the module comment. */
export class CertifiedMap {
  #root: Node | undefined;
  #size = 0;

  /** How many entries the map has (nested maps count as one). */
  get size(): number {
    return this.#size;
  }

  /** Height of the AVL tree: at most ~1.44 log2(size + 2). */
  get height(): number {
    return heightOf(this.#root);
  }

  get(label: Uint8Array): CertifiedValue | undefined {
    return find(this.#root, label)?.value;
  }

  /**
   * Sets the value under `label`. Call it again with the same nested map after changing that
   * map: this is how the map learns that the entry's hash changed.
   */
  set(label: Uint8Array, value: CertifiedValue): void {
    if (find(this.#root, label) === undefined) {
      this.#size++;
    }
    this.#root = insert(this.#root, label, value);
  }

  /** Removes the entry under `label`; false if there was none. */
  delete(label: Uint8Array): boolean {
    if (this.#root === undefined || find(this.#root, label) === undefined) {
      return false;
    }
    this.#root = remove(this.#root, label);
    this.#size--;
    return true;
  }

  /** The root hash of the map's hash tree (`reconstruct` of any witness of it). */
  rootHash(): Uint8Array {
    return this.#root === undefined ? EMPTY_TREE_HASH : hashOf(this.#root);
  }

  /**
   * The pruned tree that reveals `path` (which must exist: labels through nested maps, ending
   * at a leaf or at a map, revealed whole) and only hashes of everything else. Its root hash
   * is {@link rootHash}, so it proves the path against a certificate of that hash.
   */
  witness(path: readonly Uint8Array[]): HashTree {
    const [label, ...rest] = path;
    if (label === undefined) {
      return this.toHashTree();
    }
    return witnessOf(this.#root, label, rest);
  }

  /** The whole map as a hash tree (for tests and small maps). */
  toHashTree(): HashTree {
    return this.#root === undefined ? [0] : fullTree(this.#root);
  }
}

function revealValue(value: CertifiedValue, rest: readonly Uint8Array[]): HashTree {
  if (value instanceof CertifiedMap) {
    return value.witness(rest);
  }
  if (rest.length > 0) {
    throw new RangeError('the path continues below a leaf');
  }
  return [3, value];
}

function witnessOf(
  node: Node | undefined,
  label: Uint8Array,
  rest: readonly Uint8Array[],
): HashTree {
  if (node === undefined) {
    throw new RangeError('the path is not in the map');
  }
  const order = compareBytes(label, node.label);
  if (order < 0) {
    return [1, witnessOf(node.left, label, rest), [4, rightHashOf(node)]];
  }
  const inner: HashTree =
    order === 0
      ? node.right === undefined
        ? [2, node.label, revealValue(node.value, rest)]
        : [1, [2, node.label, revealValue(node.value, rest)], [4, hashOf(node.right)]]
      : [1, [4, entryHashOf(node)], witnessOf(node.right, label, rest)];
  return node.left === undefined ? inner : [1, [4, hashOf(node.left)], inner];
}

function fullTree(node: Node): HashTree {
  const value: HashTree =
    node.value instanceof CertifiedMap ? node.value.toHashTree() : [3, node.value];
  const labeled: HashTree = [2, node.label, value];
  const withRight: HashTree =
    node.right === undefined ? labeled : [1, labeled, fullTree(node.right)];
  return node.left === undefined ? withRight : [1, fullTree(node.left), withRight];
}
