import { compareBytes } from '../byte-order.js';
import { CitadelError } from '../errors.js';
import { HashTreeErrorCode } from './errors.js';
import { EMPTY_TREE_HASH, forkHash, labeledHash, leafHash } from './hashing.js';
import { labelBytes } from './lookup.js';
import type { HashTree, PathLabel } from './types.js';

/**
 * The replica's full (unpruned) state tree: a leaf is its value bytes, a node maps labels to
 * subtrees (interface spec "The system state tree"). Trees are immutable and share unchanged
 * subtrees between rounds; leaf bytes must not be mutated once inserted.
 */
export type StateTree = Uint8Array | StateTreeNode;

const CONSTRUCT = Symbol('StateTreeNode.construct');

/**
 * An immutable state-tree node with children sorted bytewise by label. Build it with
 * {@link stateNode}; derive changed copies with {@link StateTreeNode.with} / `without`.
 */
export class StateTreeNode {
  /** Child labels in strictly increasing bytewise order. */
  readonly labels: readonly Uint8Array[];
  /** Children, aligned with {@link StateTreeNode.labels}. */
  readonly children: readonly StateTree[];

  /** @internal Use {@link stateNode}. */
  constructor(token: symbol, labels: readonly Uint8Array[], children: readonly StateTree[]) {
    if (token !== CONSTRUCT) {
      throw new CitadelError(
        'input',
        HashTreeErrorCode.INVALID_STATE_TREE,
        'StateTreeNode cannot be constructed directly; call stateNode(entries) instead.',
      );
    }
    this.labels = Object.freeze(labels);
    this.children = Object.freeze(children);
    Object.freeze(this);
  }

  /** Number of children. */
  get size(): number {
    return this.labels.length;
  }

  /** The child under `label`, if any. */
  get(label: PathLabel): StateTree | undefined {
    const index = search(this.labels, labelBytes(label));
    return index >= 0 ? this.children[index] : undefined;
  }

  /** Children as `[label, subtree]` pairs in label order. */
  *entries(): IterableIterator<readonly [Uint8Array, StateTree]> {
    for (let i = 0; i < this.labels.length; i++) {
      yield [this.labels[i], this.children[i]];
    }
  }

  /**
   * A copy with `subtree` under `label` (inserted or replaced) that reuses the memoised hashes
   * of all other children, so adding one request to a large node does not rehash its siblings.
   */
  with(label: PathLabel, subtree: StateTree): StateTreeNode {
    const bytes = checkedLabel(label);
    checkSubtree(subtree, bytes);
    const index = search(this.labels, bytes);
    const at = index >= 0 ? index : -index - 1;
    const labels = [...this.labels];
    const children = [...this.children];
    const seeds = entryHashSeeds(this);
    if (index >= 0) {
      children[at] = subtree;
      seeds?.splice(at, 1, undefined);
    } else {
      labels.splice(at, 0, bytes);
      children.splice(at, 0, subtree);
      seeds?.splice(at, 0, undefined);
    }
    return createNode(labels, children, seeds);
  }

  /** A copy without the child under `label` (the same node when there is none). */
  without(label: PathLabel): StateTreeNode {
    const index = search(this.labels, labelBytes(label));
    if (index < 0) {
      return this;
    }
    const labels = [...this.labels];
    const children = [...this.children];
    labels.splice(index, 1);
    children.splice(index, 1);
    const seeds = entryHashSeeds(this);
    seeds?.splice(index, 1);
    return createNode(labels, children, seeds);
  }
}

/**
 * Builds a state-tree node from `[label, subtree]` entries in any order; fails on duplicate
 * labels. Text labels stand for their UTF-8 bytes.
 * @example stateNode([['time', encodeLeb128(nowNs)], ['request_status', stateNode([])]])
 */
export function stateNode(entries: Iterable<readonly [PathLabel, StateTree]>): StateTreeNode {
  const pairs: [Uint8Array, StateTree][] = [];
  for (const [label, subtree] of entries) {
    const bytes = checkedLabel(label);
    checkSubtree(subtree, bytes);
    pairs.push([bytes, subtree]);
  }
  pairs.sort((a, b) => compareBytes(a[0], b[0]));
  for (let i = 1; i < pairs.length; i++) {
    if (compareBytes(pairs[i - 1][0], pairs[i][0]) === 0) {
      throw new CitadelError(
        'input',
        HashTreeErrorCode.DUPLICATE_LABEL,
        `State-tree node has two children labelled ${describeLabel(pairs[i][0])}; labels must be unique.`,
        { label: pairs[i][0] },
      );
    }
  }
  return createNode(
    pairs.map(([label]) => label),
    pairs.map(([, subtree]) => subtree),
    undefined,
  );
}

/**
 * Root hash of a state tree, equal to `reconstruct` of any witness cut from it. Memoised per
 * node object, so subtrees shared between rounds are hashed once.
 */
export function hashStateTree(tree: StateTree): Uint8Array {
  return tree instanceof Uint8Array ? leafHash(tree) : nodeIndex(tree).hash;
}

/** The full hash tree of a state tree, with the same fork shape as its hash. */
export function toHashTree(tree: StateTree): HashTree {
  if (tree instanceof Uint8Array) {
    return [3, tree];
  }
  if (tree.size === 0) {
    return [0];
  }
  const build = (lo: number, hi: number): HashTree => {
    if (hi - lo === 1) {
      return [2, tree.labels[lo], toHashTree(tree.children[lo])];
    }
    const mid = splitPoint(lo, hi);
    return [1, build(lo, mid), build(mid, hi)];
  };
  return build(0, tree.size);
}

/**
 * A subtree of the balanced fork structure over children `[lo, hi)` of one node.
 * @internal
 */
export interface ForkRange {
  readonly lo: number;
  readonly hi: number;
  readonly hash: Uint8Array;
  readonly left?: ForkRange;
  readonly right?: ForkRange;
}

/** @internal Memoised hashes of one node: per-child labeled hashes and the fork ranges. */
export interface NodeIndex {
  readonly hash: Uint8Array;
  /** Undefined for a node without children (its hash is the Empty hash). */
  readonly root: ForkRange | undefined;
}

const indexes = new WeakMap<StateTreeNode, NodeIndex>();
const entryHashes = new WeakMap<StateTreeNode, readonly Uint8Array[]>();
const seedsOf = new WeakMap<StateTreeNode, readonly (Uint8Array | undefined)[]>();

function createNode(
  labels: readonly Uint8Array[],
  children: readonly StateTree[],
  seeds: readonly (Uint8Array | undefined)[] | undefined,
): StateTreeNode {
  const node = new StateTreeNode(CONSTRUCT, labels, children);
  if (seeds !== undefined) {
    seedsOf.set(node, seeds);
  }
  return node;
}

/** @internal The memoised fork structure of a node, computed on first use. */
export function nodeIndex(node: StateTreeNode): NodeIndex {
  const cached = indexes.get(node);
  if (cached !== undefined) {
    return cached;
  }
  const seeds = seedsOf.get(node);
  const hashes = node.labels.map(
    (label, i) => seeds?.[i] ?? labeledHash(label, hashStateTree(node.children[i])),
  );
  seedsOf.delete(node);
  entryHashes.set(node, hashes);
  const build = (lo: number, hi: number): ForkRange => {
    if (hi - lo === 1) {
      return { lo, hi, hash: hashes[lo] };
    }
    const mid = splitPoint(lo, hi);
    const left = build(lo, mid);
    const right = build(mid, hi);
    return { lo, hi, hash: forkHash(left.hash, right.hash), left, right };
  };
  const root = node.size === 0 ? undefined : build(0, node.size);
  const index: NodeIndex = { hash: root?.hash ?? EMPTY_TREE_HASH, root };
  indexes.set(node, index);
  return index;
}

/** Deterministic balanced split: the left half gets the extra child of an odd count. */
export function splitPoint(lo: number, hi: number): number {
  return lo + Math.ceil((hi - lo) / 2);
}

/** Binary search: the index of `label`, or `-(insertion point) - 1` when absent. */
export function search(labels: readonly Uint8Array[], label: Uint8Array): number {
  let lo = 0;
  let hi = labels.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const order = compareBytes(labels[mid], label);
    if (order === 0) {
      return mid;
    }
    if (order < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return -lo - 1;
}

function entryHashSeeds(node: StateTreeNode): (Uint8Array | undefined)[] | undefined {
  const known = entryHashes.get(node) ?? seedsOf.get(node);
  return known === undefined ? undefined : [...known];
}

function checkedLabel(label: PathLabel): Uint8Array {
  if (typeof label !== 'string' && !(label instanceof Uint8Array)) {
    throw new CitadelError(
      'input',
      HashTreeErrorCode.INVALID_STATE_TREE,
      `A state-tree label must be a Uint8Array or a string, got ${typeof label}.`,
    );
  }
  // A private copy: labels are small, and a caller mutating its buffer must not corrupt the tree.
  return typeof label === 'string' ? labelBytes(label) : label.slice();
}

function checkSubtree(subtree: StateTree, label: Uint8Array): void {
  if (!(subtree instanceof Uint8Array) && !(subtree instanceof StateTreeNode)) {
    throw new CitadelError(
      'input',
      HashTreeErrorCode.INVALID_STATE_TREE,
      `The child labelled ${describeLabel(label)} must be a Uint8Array leaf or a StateTreeNode from stateNode().`,
      { label },
    );
  }
}

function describeLabel(label: Uint8Array): string {
  const printable = label.every((byte) => byte >= 0x20 && byte < 0x7f);
  return printable
    ? JSON.stringify(new TextDecoder().decode(label))
    : `0x${Array.from(label, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}
