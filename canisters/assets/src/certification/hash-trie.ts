import { type HashTree, compareBytes } from '@citadel/protocol';
import { Sha256, sha256 } from '../crypto/sha256.js';

/**
 * An immutable labelled tree with cached hashes, shaped for cheap updates: each node's children
 * form a treap (a binary search tree by label, heap-ordered by a priority derived from the
 * label), and the IC hash tree of the node is that treap read as forks
 * (`fork(left, fork(labeled, right))`). Any binary fork shape over sorted labels is a valid hash
 * tree, so this one is chosen for what it costs to change: replacing, adding or removing one
 * child rehashes only the O(log n) treap nodes above it instead of every fork of a balanced
 * shape, and updates copy those nodes instead of mutating, so an earlier version of the tree
 * stays intact to keep serving witnesses while the next one is built. Priorities depend on the
 * label alone, so the same content always has the same shape and root hash.
 *
 * SHA-256 is the expensive part in a canister (millions of instructions per node), so hashes
 * are computed on demand, remembered per node, and {@link hashWithin} can stop part-way and
 * resume in a later message.
 */

/** A subtree: a leaf value, or a node of labelled children. */
export type Trie = Uint8Array | TrieNode;

interface TreapNode {
  readonly label: Uint8Array;
  readonly value: Trie;
  readonly priority: number;
  readonly left: TreapNode | undefined;
  readonly right: TreapNode | undefined;
  /** sha256 of the labeled node `label → value`, once known. */
  labeledHash: Uint8Array | undefined;
  /** Hash of this treap node's whole fork structure, once known. */
  hash: Uint8Array | undefined;
}

/** A node of labelled children. Immutable: every change returns a new node. */
export class TrieNode {
  /** @internal */
  constructor(readonly root: TreapNode | undefined) {}

  get isEmpty(): boolean {
    return this.root === undefined;
  }
}

export const EMPTY_NODE = new TrieNode(undefined);

const utf8 = new TextEncoder();

function prefix(text: string): Uint8Array {
  const bytes = utf8.encode(text);
  return Uint8Array.of(bytes.length, ...bytes);
}

const FORK = prefix('ic-hashtree-fork');
const LABELED = prefix('ic-hashtree-labeled');
const LEAF = prefix('ic-hashtree-leaf');
export const EMPTY_HASH = sha256(prefix('ic-hashtree-empty'));

function forkHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return new Sha256().update(FORK).update(left).update(right).digest();
}

function labeledHash(label: Uint8Array, subtree: Uint8Array): Uint8Array {
  return new Sha256().update(LABELED).update(label).update(subtree).digest();
}

/** Leaf values are few and shared (the empty leaf, body hashes): hash each object once. */
const leafHashes = new WeakMap<Uint8Array, Uint8Array>();

function leafHash(value: Uint8Array): Uint8Array {
  let hash = leafHashes.get(value);
  if (hash === undefined) {
    hash = new Sha256().update(LEAF).update(value).digest();
    leafHashes.set(value, hash);
  }
  return hash;
}

/** A label as bytes; text stands for its UTF-8 encoding. */
export type Label = Uint8Array | string;

function labelBytes(label: Label): Uint8Array {
  return typeof label === 'string' ? utf8.encode(label) : label;
}

/** FNV-1a of the label: cheap, and a pure function of it. */
function priorityOf(label: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of label) {
    hash = Math.imul(hash ^ byte, 0x01000193);
  }
  return hash >>> 0;
}

/** Whether `a` sits above `b` in the treap: higher priority, ties broken by label. */
function above(a: TreapNode, b: TreapNode): boolean {
  return a.priority !== b.priority ? a.priority > b.priority : compareBytes(a.label, b.label) < 0;
}

function make(
  from: Pick<TreapNode, 'label' | 'value' | 'priority' | 'labeledHash'>,
  left: TreapNode | undefined,
  right: TreapNode | undefined,
): TreapNode {
  return {
    label: from.label,
    value: from.value,
    priority: from.priority,
    labeledHash: from.labeledHash,
    left,
    right,
    hash: undefined,
  };
}

function insert(node: TreapNode | undefined, entry: TreapNode): TreapNode {
  if (node === undefined) {
    return entry;
  }
  const order = compareBytes(entry.label, node.label);
  if (order === 0) {
    return make(entry, node.left, node.right);
  }
  if (order < 0) {
    const left = insert(node.left, entry);
    return above(left, node)
      ? make(left, left.left, make(node, left.right, node.right))
      : make(node, left, node.right);
  }
  const right = insert(node.right, entry);
  return above(right, node)
    ? make(right, make(node, node.left, right.left), right.right)
    : make(node, node.left, right);
}

function merge(a: TreapNode | undefined, b: TreapNode | undefined): TreapNode | undefined {
  if (a === undefined) {
    return b;
  }
  if (b === undefined) {
    return a;
  }
  return above(a, b) ? make(a, a.left, merge(a.right, b)) : make(b, merge(a, b.left), b.right);
}

function remove(node: TreapNode | undefined, label: Uint8Array): TreapNode | undefined {
  if (node === undefined) {
    return undefined;
  }
  const order = compareBytes(label, node.label);
  if (order === 0) {
    return merge(node.left, node.right);
  }
  if (order < 0) {
    const left = remove(node.left, label);
    return left === node.left ? node : make(node, left, node.right);
  }
  const right = remove(node.right, label);
  return right === node.right ? node : make(node, node.left, right);
}

function find(node: TreapNode | undefined, label: Uint8Array): TreapNode | undefined {
  while (node !== undefined) {
    const order = compareBytes(label, node.label);
    if (order === 0) {
      return node;
    }
    node = order < 0 ? node.left : node.right;
  }
  return undefined;
}

/** The child under `label`, if any. */
export function childOf(node: TrieNode, label: Label): Trie | undefined {
  return find(node.root, labelBytes(label))?.value;
}

/** `node` with `value` under `label`, or without that child when `value` is undefined. */
export function withChild(node: TrieNode, label: Label, value: Trie | undefined): TrieNode {
  const bytes = labelBytes(label);
  if (value === undefined) {
    const root = remove(node.root, bytes);
    return root === node.root ? node : new TrieNode(root);
  }
  const entry: TreapNode = {
    label: bytes,
    value,
    priority: priorityOf(bytes),
    left: undefined,
    right: undefined,
    labeledHash: undefined,
    hash: undefined,
  };
  return new TrieNode(insert(node.root, entry));
}

/**
 * `node` with `value` at `path` below it (intermediate nodes created as needed), or with that
 * path removed when `value` is undefined; nodes left without children are removed too, so an
 * emptied path leaves nothing behind that a lookup could mistake for it.
 */
export function withPath(
  node: TrieNode,
  path: readonly Label[],
  value: Trie | undefined,
): TrieNode {
  const [head, ...rest] = path;
  if (head === undefined) {
    throw new RangeError('withPath needs at least one label');
  }
  if (rest.length === 0) {
    return withChild(node, head, value);
  }
  const current = childOf(node, head);
  const below = current instanceof TrieNode ? current : EMPTY_NODE;
  const updated = withPath(below, rest, value);
  return withChild(node, head, updated.isEmpty ? undefined : updated);
}

/** A node holding exactly `entries`. */
export function trieNode(entries: Iterable<readonly [Label, Trie]>): TrieNode {
  let node = EMPTY_NODE;
  for (const [label, value] of entries) {
    node = withChild(node, label, value);
  }
  return node;
}

// ---- hashing -------------------------------------------------------------------------------

/** Tells hashing to stop: checked between node hashes. */
export type OverBudget = () => boolean;

const never: OverBudget = () => false;

/** Root hash of `trie` (the IC hash-tree reconstruction of it). */
export function hashTrie(trie: Trie): Uint8Array {
  return hashWithin(trie, never) as Uint8Array;
}

/**
 * The hash of `trie`, or undefined when `overBudget` said stop first. Every hash computed on the
 * way is kept, so calling again (in a later message) continues where this one stopped.
 */
export function hashWithin(trie: Trie, overBudget: OverBudget): Uint8Array | undefined {
  if (trie instanceof Uint8Array) {
    return leafHash(trie);
  }
  return trie.root === undefined ? EMPTY_HASH : treapHash(trie.root, overBudget);
}

function treapHash(node: TreapNode, overBudget: OverBudget): Uint8Array | undefined {
  if (node.hash !== undefined) {
    return node.hash;
  }
  const left = node.left === undefined ? undefined : treapHash(node.left, overBudget);
  if (left === undefined && node.left !== undefined) {
    return undefined;
  }
  const right = node.right === undefined ? undefined : treapHash(node.right, overBudget);
  if (right === undefined && node.right !== undefined) {
    return undefined;
  }
  if (node.labeledHash === undefined) {
    const value = hashWithin(node.value, overBudget);
    if (value === undefined || overBudget()) {
      return undefined;
    }
    node.labeledHash = labeledHash(node.label, value);
  }
  if (overBudget()) {
    return undefined;
  }
  node.hash = combine(left, node.labeledHash, right);
  return node.hash;
}

function combine(
  left: Uint8Array | undefined,
  labeled: Uint8Array,
  right: Uint8Array | undefined,
): Uint8Array {
  const withRight = right === undefined ? labeled : forkHash(labeled, right);
  return left === undefined ? withRight : forkHash(left, withRight);
}

// ---- witnesses -----------------------------------------------------------------------------

/** Requested paths as a trie of labels; `whole` reveals everything below. */
interface Selection {
  whole: boolean;
  readonly children: Map<string, { readonly label: Uint8Array; readonly selection: Selection }>;
}

/**
 * The pruned hash tree revealing every path in `paths`: the whole subtree where a path ends,
 * and for a path that does not exist, the labels on both sides of where it would be (their
 * values pruned), which is what a verifier's lookup needs to call it Absent. Nothing else is
 * revealed: in particular no sibling label of a path that exists, since agent-js misreads a
 * revealed sibling that is a proper prefix of the label looked up.
 */
export function witnessOf(trie: Trie, paths: readonly (readonly Label[])[]): HashTree {
  const root: Selection = { whole: false, children: new Map() };
  for (const path of paths) {
    let selection = root;
    for (const label of path) {
      if (selection.whole) {
        break;
      }
      const bytes = labelBytes(label);
      const key = hexKey(bytes);
      let next = selection.children.get(key);
      if (next === undefined) {
        next = { label: bytes, selection: { whole: false, children: new Map() } };
        selection.children.set(key, next);
      }
      selection = next.selection;
    }
    selection.whole = true;
    selection.children.clear();
  }
  return select(trie, root);
}

/** What the witness shows of one child: its subtree as selected, or only its label. */
type Shown = { readonly label: Uint8Array; readonly selection: Selection | undefined };

function select(trie: Trie, selection: Selection): HashTree {
  if (selection.whole) {
    return full(trie);
  }
  if (trie instanceof Uint8Array) {
    // A path continuing below a leaf: the leaf stays hidden (it answers Unknown).
    return [4, leafHash(trie)];
  }
  if (trie.root === undefined) {
    return [0];
  }
  const shown = new Map<string, Shown>();
  for (const [key, { label, selection: below }] of selection.children) {
    if (find(trie.root, label) !== undefined) {
      shown.set(key, { label, selection: below });
      continue;
    }
    for (const neighbour of neighbours(trie.root, label)) {
      const neighbourKey = hexKey(neighbour);
      if (!shown.has(neighbourKey)) {
        shown.set(neighbourKey, { label: neighbour, selection: undefined });
      }
    }
  }
  const sorted = [...shown.values()].sort((a, b) => compareBytes(a.label, b.label));
  return selectTreap(trie.root, sorted);
}

/** The labels just before and just after the absent `label`. */
function neighbours(root: TreapNode, label: Uint8Array): Uint8Array[] {
  let before: Uint8Array | undefined;
  let after: Uint8Array | undefined;
  let node: TreapNode | undefined = root;
  while (node !== undefined) {
    if (compareBytes(label, node.label) < 0) {
      after = node.label;
      node = node.left;
    } else {
      before = node.label;
      node = node.right;
    }
  }
  return [before, after].filter((found): found is Uint8Array => found !== undefined);
}

function selectTreap(node: TreapNode, shown: readonly Shown[]): HashTree {
  if (shown.length === 0) {
    return [4, treapHash(node, never) as Uint8Array];
  }
  const less: Shown[] = [];
  const greater: Shown[] = [];
  let here: Shown | undefined;
  for (const item of shown) {
    const order = compareBytes(item.label, node.label);
    if (order < 0) {
      less.push(item);
    } else if (order > 0) {
      greater.push(item);
    } else {
      here = item;
    }
  }
  const labeled: HashTree =
    here === undefined
      ? [4, labeledOf(node)]
      : [
          2,
          node.label,
          here.selection === undefined
            ? [4, hashTrie(node.value)]
            : select(node.value, here.selection),
        ];
  const right = node.right === undefined ? undefined : selectTreap(node.right, greater);
  const left = node.left === undefined ? undefined : selectTreap(node.left, less);
  const withRight: HashTree = right === undefined ? labeled : [1, labeled, right];
  return left === undefined ? withRight : [1, left, withRight];
}

function labeledOf(node: TreapNode): Uint8Array {
  node.labeledHash ??= labeledHash(node.label, hashTrie(node.value));
  return node.labeledHash;
}

/** The whole subtree as a hash tree. */
function full(trie: Trie): HashTree {
  if (trie instanceof Uint8Array) {
    return [3, trie];
  }
  if (trie.root === undefined) {
    return [0];
  }
  const walk = (node: TreapNode): HashTree => {
    const labeled: HashTree = [2, node.label, full(node.value)];
    const withRight: HashTree = node.right === undefined ? labeled : [1, labeled, walk(node.right)];
    return node.left === undefined ? withRight : [1, walk(node.left), withRight];
  };
  return walk(trie.root);
}

function hexKey(bytes: Uint8Array): string {
  let key = '';
  for (const byte of bytes) {
    key += byte.toString(16).padStart(2, '0');
  }
  return key;
}
