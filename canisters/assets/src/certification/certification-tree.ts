import {
  type HashTree,
  type PathLabel,
  type StateTree,
  bytesToHex,
  hashStateTree,
  stateNode,
  witness,
} from '@citadel/protocol';
import { pathSegments } from './request-path.js';

/**
 * The asset canister's certified tree, whose root hash is the canister's certified data
 * (HTTP gateway protocol spec "Response verification"). It holds both schemes a gateway may
 * ask for:
 *
 * - v1: `http_assets/<path>` → sha256 of the body served for that path;
 * - v2: `http_expr/<segments…>/<$ or *>/<expression hash>/""/<response hash>` → empty leaf,
 *   one entry per certified response (status, certified headers and body).
 *
 * The tree is rebuilt lazily after changes; witnesses are pruned copies revealing exactly
 * what the verifier looks up, including the absence proofs a wildcard response needs.
 */

/** Terminal label of an exact path, and of a wildcard (fallback) path. */
export const EXACT = '<$>';
export const WILDCARD = '<*>';

/** Where a v2 response is certified: the path's segments and whether it covers everything below. */
export interface ExpressionPath {
  readonly segments: readonly string[];
  readonly wildcard: boolean;
}

interface ExpressionEntry {
  readonly expressionHash: Uint8Array;
  readonly responses: Map<string, Uint8Array>;
}

export class CertificationTree {
  readonly #v1 = new Map<string, Uint8Array>();
  readonly #v2 = new Map<
    string,
    { path: ExpressionPath; expressions: Map<string, ExpressionEntry> }
  >();
  #tree: StateTree | undefined;

  /** Certifies `bodyHash` for `path` under v1, or removes the path when undefined. */
  setV1(path: string, bodyHash: Uint8Array | undefined): void {
    if (bodyHash === undefined) {
      this.#v1.delete(path);
    } else {
      this.#v1.set(path, bodyHash);
    }
    this.#tree = undefined;
  }

  /** Adds one certified response at `path` under v2. */
  addV2(path: ExpressionPath, expressionHash: Uint8Array, responseHash: Uint8Array): void {
    const key = pathKey(path);
    let entry = this.#v2.get(key);
    if (entry === undefined) {
      entry = { path, expressions: new Map() };
      this.#v2.set(key, entry);
    }
    const exprKey = bytesToHex(expressionHash);
    let expression = entry.expressions.get(exprKey);
    if (expression === undefined) {
      expression = { expressionHash, responses: new Map() };
      entry.expressions.set(exprKey, expression);
    }
    expression.responses.set(bytesToHex(responseHash), responseHash);
    this.#tree = undefined;
  }

  /** Removes every v2 response certified at `path`. */
  removeV2(path: ExpressionPath): void {
    this.#v2.delete(pathKey(path));
    this.#tree = undefined;
  }

  /** Removes everything. */
  clear(): void {
    this.#v1.clear();
    this.#v2.clear();
    this.#tree = undefined;
  }

  /** The root hash: what the canister passes to `certified_data_set`. */
  rootHash(): Uint8Array {
    return hashStateTree(this.#stateTree());
  }

  /** The witness for a v1 response to `path` (and `/index.html`, the v1 fallback, if given). */
  v1Witness(paths: readonly string[]): HashTree {
    return witness(
      this.#stateTree(),
      paths.map((path) => ['http_assets', path]),
    );
  }

  /**
   * The witness for a v2 response served for `requestPath` from `certifiedAt` (the same path,
   * or a wildcard above it): the response's own leaf, and for a wildcard, proof that no more
   * specific path is certified.
   */
  v2Witness(
    requestPath: string,
    certifiedAt: ExpressionPath,
    expressionHash: Uint8Array,
    responseHash: Uint8Array,
  ): HashTree {
    const paths: PathLabel[][] = [
      [...expressionLabels(certifiedAt), expressionHash, '', responseHash],
    ];
    if (certifiedAt.wildcard) {
      const segments = pathSegments(requestPath);
      paths.push(['http_expr', ...segments, EXACT]);
      for (let length = 0; length <= segments.length; length++) {
        const prefix = segments.slice(0, length);
        if (length > certifiedAt.segments.length) {
          paths.push(['http_expr', ...prefix, WILDCARD]);
        }
        paths.push(['http_expr', ...prefix, '', WILDCARD]);
      }
    }
    return witness(this.#stateTree(), paths);
  }

  #stateTree(): StateTree {
    if (this.#tree !== undefined) {
      return this.#tree;
    }
    const v1 = stateNode([...this.#v1].map(([path, hash]) => [path, hash] as const));
    const trie: Trie = new Map();
    for (const { path, expressions } of this.#v2.values()) {
      let node = trie;
      for (const label of [...path.segments, path.wildcard ? WILDCARD : EXACT]) {
        node = child(node, label);
      }
      for (const { expressionHash, responses } of expressions.values()) {
        const requests = child(node, expressionHash);
        const leaves = child(requests, '');
        for (const hash of responses.values()) {
          child(leaves, hash);
        }
      }
    }
    this.#tree = stateNode([
      ['http_assets', v1],
      ['http_expr', toStateTree(trie)],
    ]);
    return this.#tree;
  }
}

/** The labels of `path` under `http_expr`, up to and including `<$>` or `<*>`. */
export function expressionLabels(path: ExpressionPath): string[] {
  return ['http_expr', ...path.segments, path.wildcard ? WILDCARD : EXACT];
}

/** A label trie; a node without children becomes an empty leaf. */
type Trie = Map<string, { readonly label: PathLabel; readonly children: Trie }>;

function child(node: Trie, label: PathLabel): Trie {
  const key = typeof label === 'string' ? `s${label}` : `b${bytesToHex(label)}`;
  let entry = node.get(key);
  if (entry === undefined) {
    entry = { label, children: new Map() };
    node.set(key, entry);
  }
  return entry.children;
}

function toStateTree(trie: Trie): StateTree {
  return stateNode(
    [...trie.values()].map(({ label, children }) =>
      children.size === 0
        ? ([label, new Uint8Array(0)] as const)
        : ([label, toStateTree(children)] as const),
    ),
  );
}

function pathKey(path: ExpressionPath): string {
  return JSON.stringify([path.wildcard, path.segments]);
}
