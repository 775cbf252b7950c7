import { bytesToHex } from '@noble/hashes/utils.js';

import { EMPTY_TREE_HASH, leafHash } from './hashing.js';
import { labelBytes } from './lookup.js';
import { hashStateTree, nodeIndex, search, toHashTree } from './state-tree.js';
import type { ForkRange, StateTree, StateTreeNode } from './state-tree.js';
import type { HashTree, PathLabel } from './types.js';

/** Options of {@link witness}. */
export interface WitnessOptions {
  /**
   * For a requested path that does not exist, reveal the labels of its neighbours (their
   * subtrees stay pruned) so that lookups prove it Absent. When false, such paths are simply
   * pruned and look Unknown, which is enough for request-status polling and reveals no siblings
   * (agent 3.4.3's `find_label` misreads a revealed sibling that is a proper prefix of a
   * looked-up label, digest §10 pitfall 4).
   * @default true
   */
  readonly proveAbsence?: boolean;
}

/** The set of requested paths as a trie; `whole` means a path ends here. */
interface Selection {
  whole: boolean;
  readonly children: Map<string, { readonly label: Uint8Array; readonly selection: Selection }>;
}

type Mark =
  { readonly kind: 'labelOnly' } | { readonly kind: 'descend'; readonly selection: Selection };

/**
 * The pruned hash tree (witness) that reveals every requested path of `tree`: the whole subtree
 * where a path ends, and only Pruned hashes elsewhere, with fully pruned forks collapsed into one
 * Pruned node (interface spec "Certification": a certificate holds a pruned state tree).
 * `reconstruct(witness(tree, paths))` always equals `hashStateTree(tree)`.
 * @example witness(state, [['time'], ['request_status', requestId]])
 */
export function witness(
  tree: StateTree,
  paths: readonly (readonly PathLabel[])[],
  options: WitnessOptions = {},
): HashTree {
  const root: Selection = { whole: false, children: new Map() };
  for (const path of paths) {
    addPath(root, path);
  }
  return witnessOf(tree, root, options.proveAbsence ?? true);
}

function addPath(root: Selection, path: readonly PathLabel[]): void {
  let selection = root;
  for (const label of path) {
    if (selection.whole) {
      return;
    }
    const bytes = labelBytes(label);
    const key = bytesToHex(bytes);
    let child = selection.children.get(key);
    if (child === undefined) {
      child = { label: bytes, selection: { whole: false, children: new Map() } };
      selection.children.set(key, child);
    }
    selection = child.selection;
  }
  selection.whole = true;
  // A shorter path covers every longer one below it.
  selection.children.clear();
}

function witnessOf(tree: StateTree, selection: Selection, proveAbsence: boolean): HashTree {
  if (selection.whole) {
    return toHashTree(tree);
  }
  if (tree instanceof Uint8Array) {
    // The path continues below a leaf. Revealing the leaf would prove absence but disclose
    // (possibly megabytes of) its value; a pruned leaf answers Unknown instead.
    return [4, leafHash(tree)];
  }
  if (tree.size === 0) {
    return proveAbsence ? [0] : [4, EMPTY_TREE_HASH];
  }
  const marks = new Map<number, Mark>();
  const missing: number[] = [];
  for (const { label, selection: childSelection } of selection.children.values()) {
    const index = search(tree.labels, label);
    if (index >= 0) {
      marks.set(index, { kind: 'descend', selection: childSelection });
    } else {
      missing.push(-index - 1);
    }
  }
  if (proveAbsence) {
    // The spec's find_label proves absence from the two adjacent labels around the gap
    // (or the first/last label at the ends); nothing pruned may sit between them.
    for (const insertion of missing) {
      for (const neighbour of [insertion - 1, insertion]) {
        if (neighbour >= 0 && neighbour < tree.size && !marks.has(neighbour)) {
          marks.set(neighbour, { kind: 'labelOnly' });
        }
      }
    }
  }
  const index = nodeIndex(tree);
  if (marks.size === 0 || index.root === undefined) {
    return [4, index.hash];
  }
  const marked = [...marks.keys()].sort((a, b) => a - b);
  return forkWitness(tree, index.root, marked, 0, marked.length, marks, proveAbsence);
}

/** Witness of the fork range `range`, given the marked child indices `marked[from..to)` in it. */
function forkWitness(
  node: StateTreeNode,
  range: ForkRange,
  marked: readonly number[],
  from: number,
  to: number,
  marks: ReadonlyMap<number, Mark>,
  proveAbsence: boolean,
): HashTree {
  if (from === to) {
    return [4, range.hash];
  }
  if (range.left === undefined || range.right === undefined) {
    const child = range.lo;
    const mark = marks.get(child) as Mark;
    const label = node.labels[child];
    const subtree = node.children[child];
    return mark.kind === 'labelOnly'
      ? [2, label, [4, hashStateTree(subtree)]]
      : [2, label, witnessOf(subtree, mark.selection, proveAbsence)];
  }
  let split = from;
  while (split < to && marked[split] < range.left.hi) {
    split++;
  }
  return [
    1,
    forkWitness(node, range.left, marked, from, split, marks, proveAbsence),
    forkWitness(node, range.right, marked, split, to, marks, proveAbsence),
  ];
}
