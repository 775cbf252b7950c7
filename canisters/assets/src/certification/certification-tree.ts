import type { HashTree, PathLabel } from '@citadel/protocol';
import {
  EMPTY_NODE,
  type OverBudget,
  type TrieNode,
  hashTrie,
  hashWithin,
  withPath,
  witnessOf,
} from './hash-trie.js';
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
 * Changes cost O(log n) rehashing (see `hash-trie.ts`); witnesses are pruned copies revealing
 * exactly what the verifier looks up, including the absence proofs a wildcard response needs.
 */

/** Terminal label of an exact path, and of a wildcard (fallback) path. */
export const EXACT = '<$>';
export const WILDCARD = '<*>';

/** Where a v2 response is certified: the path's segments and whether it covers everything below. */
export interface ExpressionPath {
  readonly segments: readonly string[];
  readonly wildcard: boolean;
}

/**
 * One certified v2 response: the hash of its expression, of the request it answers (only when
 * the expression certifies the request) and of the response itself.
 */
export interface CertifiedResponse {
  readonly expressionHash: Uint8Array;
  readonly requestHash?: Uint8Array | undefined;
  readonly responseHash: Uint8Array;
}

const EMPTY_LEAF = new Uint8Array(0);

/**
 * The tree, as an immutable {@link Trie} behind a small mutable handle: changes replace the
 * root, so {@link CertificationTree.clone} is free and a clone keeps answering for the version
 * it was taken from while the original moves on.
 */
export class CertificationTree {
  #root: TrieNode;

  constructor(root: TrieNode = EMPTY_NODE) {
    this.#root = root;
  }

  /** Whether nothing is certified. */
  get isEmpty(): boolean {
    return this.#root.isEmpty;
  }

  /** A handle on the tree as it is now; later changes to either do not affect the other. */
  clone(): CertificationTree {
    return new CertificationTree(this.#root);
  }

  /** Certifies `bodyHash` for `path` under v1, or removes the path when undefined. */
  setV1(path: string, bodyHash: Uint8Array | undefined): void {
    this.#root = withPath(this.#root, ['http_assets', path], bodyHash);
  }

  /** Adds one certified response (of an expression without request certification) at `path`. */
  addV2(path: ExpressionPath, expressionHash: Uint8Array, responseHash: Uint8Array): void {
    this.#root = withPath(
      this.#root,
      [...expressionLabels(path), expressionHash, '', responseHash],
      EMPTY_LEAF,
    );
  }

  /** Replaces every v2 response certified at `path` with `responses` (none removes the path). */
  setV2(path: ExpressionPath, responses: readonly CertifiedResponse[]): void {
    let expressions = EMPTY_NODE;
    for (const { expressionHash, requestHash, responseHash } of responses) {
      expressions = withPath(
        expressions,
        [expressionHash, requestHash ?? '', responseHash],
        EMPTY_LEAF,
      );
    }
    this.#root = withPath(
      this.#root,
      expressionLabels(path),
      expressions.isEmpty ? undefined : expressions,
    );
  }

  /** The root hash: what the canister passes to `certified_data_set`. */
  rootHash(): Uint8Array {
    return hashTrie(this.#root);
  }

  /**
   * The root hash, or undefined if `overBudget` said stop first; what was hashed is kept, so a
   * later call (in a later message) goes on from there.
   */
  rootHashWithin(overBudget: OverBudget): Uint8Array | undefined {
    return hashWithin(this.#root, overBudget);
  }

  /** The witness for a v1 response to `path` (and `/index.html`, the v1 fallback, if given). */
  v1Witness(paths: readonly string[]): HashTree {
    return witnessOf(
      this.#root,
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
    requestHash?: Uint8Array,
  ): HashTree {
    const paths: PathLabel[][] = [
      [...expressionLabels(certifiedAt), expressionHash, requestHash ?? '', responseHash],
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
    return witnessOf(this.#root, paths);
  }
}

/** The labels of `path` under `http_expr`, up to and including `<$>` or `<*>`. */
export function expressionLabels(path: ExpressionPath): string[] {
  return ['http_expr', ...path.segments, path.wildcard ? WILDCARD : EXACT];
}
