import {
  CertificationTree,
  type CertifiedResponse,
  type ExpressionPath,
} from '../certification/certification-tree.js';
import type { OverBudget } from '../certification/hash-trie.js';
import { pathSegments } from '../certification/request-path.js';
import { aliasesOf } from '../state/aliases.js';
import type { AssetReader } from '../state/asset-view.js';
import type { Asset, AssetEncoding } from '../state/types.js';
import {
  type AssetResponse,
  assetResponse,
  chunkResponse,
  plainNotFound,
} from './asset-response.js';

/**
 * Which responses of a site are certified, and where (official asset canister rules, plus a
 * 404 page): at every path an asset is served at — its key, and each alias path that does not
 * resolve to another asset first — every encoding of that asset with status 200; for v1, one
 * body hash per path. Conditional requests are the gateway's to answer: it has the certified
 * ETag, while a 304 from the canister would need a second certified response per encoding
 * (a third more hashing for every upload) only to save a body the gateway fetches anyway. Paths that match nothing get the fallback,
 * certified once at the root wildcard.
 *
 * Certification is per path, so a change re-certifies only the paths of the keys it touched;
 * {@link CertificationJob} does that work in budgeted steps, because hashing in a canister
 * costs millions of instructions per response and a site may have thousands of them.
 */

/** How the site answers paths that match no asset. */
export interface SiteOptions {
  /** Serve `/index.html` with 200 for unknown paths (single-page apps). @default false */
  readonly spaFallback: boolean;
  /** Add the default security headers (`asset-response.ts`) to assets that do not set them. @default true */
  readonly securityHeaders: boolean;
}

/** What unknown paths are answered with. */
export type Fallback =
  | { readonly kind: 'asset'; readonly key: string; readonly status: 200 | 404 }
  | { readonly kind: 'plain' };

/** v1 certifies one encoding per path, in this order of preference (verifiers decode these). */
const V1_ENCODINGS = ['identity', 'gzip', 'compress', 'deflate', 'br'];

/** Keys whose change can change the fallback. */
const FALLBACK_KEYS = new Set(['/index.html', '/404.html']);

export const ROOT_WILDCARD: ExpressionPath = { segments: [], wildcard: true };

/** The fallback of a site in its current state. */
export function fallbackOf(site: AssetReader, options: SiteOptions): Fallback {
  if (options.spaFallback && site.exact('/index.html') !== undefined) {
    return { kind: 'asset', key: '/index.html', status: 200 };
  }
  if (site.exact('/404.html') !== undefined) {
    return { kind: 'asset', key: '/404.html', status: 404 };
  }
  return { kind: 'plain' };
}

/** The encoding v1 certifies for an asset. */
export function v1Encoding(asset: Asset): AssetEncoding | undefined {
  for (const name of V1_ENCODINGS) {
    const encoding = asset.encodings.get(name);
    if (encoding !== undefined) {
      return encoding;
    }
  }
  return asset.encodings.values().next().value;
}

/**
 * Whether an encoding is also served as verifiable ranges: it spans several chunks and the
 * uploader sent each chunk's hash (hashing megabytes in the canister is out of reach).
 */
export function servesRanges(encoding: AssetEncoding): boolean {
  return encoding.chunks.length > 1 && encoding.chunkSha256s !== undefined;
}

/** The paths whose responses depend on the asset under `key`: the key and its aliases. */
export function pathsOf(key: string): string[] {
  return [key, ...aliasesOf(key)];
}

/**
 * The v2 responses certified at `path` for what `site` serves there now (none if nothing),
 * one at a time: a large asset served as ranges has one per chunk, so a job can stop between
 * any two of them.
 */
export function* pathResponses(
  site: AssetReader,
  path: string,
  options: SiteOptions,
): Generator<CertifiedResponse> {
  const asset = site.resolve(path);
  for (const encoding of asset?.encodings.values() ?? []) {
    yield assetResponse(asset as Asset, encoding, 200, options);
    if (servesRanges(encoding)) {
      for (let index = 0; index < encoding.chunks.length; index++) {
        yield chunkResponse(asset as Asset, encoding, index, options);
      }
    }
  }
}

/** Puts `responses` (and the v1 body hash) at `path`, replacing what was certified there. */
function setPath(
  tree: CertificationTree,
  site: AssetReader,
  path: string,
  responses: readonly CertifiedResponse[],
): void {
  const asset = site.resolve(path);
  tree.setV2({ segments: pathSegments(path), wildcard: false }, responses);
  tree.setV1(path, asset === undefined ? undefined : v1Encoding(asset)?.sha256);
}

/** Certifies the site's fallback at the root wildcard. */
export function certifyFallback(
  tree: CertificationTree,
  site: AssetReader,
  options: SiteOptions,
): void {
  const fallback = fallbackOf(site, options);
  const responses: AssetResponse[] = [];
  if (fallback.kind === 'plain') {
    responses.push(plainNotFound());
  } else {
    const asset = site.exact(fallback.key) as Asset;
    for (const encoding of asset.encodings.values()) {
      responses.push(assetResponse(asset, encoding, fallback.status, options));
    }
    if (responses.length === 0) {
      responses.push(plainNotFound());
    }
  }
  tree.setV2(ROOT_WILDCARD, responses);
}

/**
 * Re-certifies a site after a change, resumable across messages: `run` does as much as the
 * budget allows and returns the finished tree and root hash, or undefined to be called again.
 * It works on a snapshot of the site and a copy of the tree, so what is being served stays
 * consistent with the certified data until the new version is complete.
 */
export class CertificationJob {
  readonly #tree: CertificationTree;
  readonly #site: AssetReader;
  readonly #options: SiteOptions;
  readonly #paths: string[];
  /** The path being certified, when a run stopped part-way through its responses. */
  #current:
    | {
        readonly path: string;
        readonly responses: CertifiedResponse[];
        readonly pending: Iterator<CertifiedResponse>;
      }
    | undefined;
  #fallbackPending: boolean;

  /**
   * @param base the tree certifying the site before the change (or an empty tree, with
   *   `changedKeys` every key, to certify from scratch)
   * @param site the site after the change, not changed while the job runs
   * @param changedKeys the keys whose assets changed (added, changed or removed)
   */
  constructor(
    base: CertificationTree,
    site: AssetReader,
    changedKeys: Iterable<string>,
    options: SiteOptions,
  ) {
    this.#tree = base.clone();
    this.#site = site;
    this.#options = options;
    const paths = new Set<string>();
    let fallbackChanged = false;
    for (const key of changedKeys) {
      for (const path of pathsOf(key)) {
        paths.add(path);
      }
      fallbackChanged ||= FALLBACK_KEYS.has(key);
    }
    // Reversed, so that popping takes them in order.
    this.#paths = [...paths].reverse();
    this.#fallbackPending = fallbackChanged || base.isEmpty;
  }

  /** Paths still to certify. */
  get remaining(): number {
    return (
      this.#paths.length + (this.#current === undefined ? 0 : 1) + (this.#fallbackPending ? 1 : 0)
    );
  }

  run(
    overBudget: OverBudget,
  ): { readonly tree: CertificationTree; readonly rootHash: Uint8Array } | undefined {
    for (;;) {
      if (this.#current === undefined) {
        const path = this.#paths.pop();
        if (path === undefined) {
          break;
        }
        const pending = pathResponses(this.#site, path, this.#options);
        this.#current = { path, responses: [], pending };
      }
      const current = this.#current;
      for (let next = current.pending.next(); next.done !== true; next = current.pending.next()) {
        current.responses.push(next.value);
        if (overBudget()) {
          return undefined;
        }
      }
      setPath(this.#tree, this.#site, current.path, current.responses);
      this.#current = undefined;
      if (overBudget()) {
        return undefined;
      }
    }
    if (this.#fallbackPending) {
      certifyFallback(this.#tree, this.#site, this.#options);
      this.#fallbackPending = false;
    }
    const rootHash = this.#tree.rootHashWithin(overBudget);
    return rootHash === undefined ? undefined : { tree: this.#tree.clone(), rootHash };
  }
}

/** Certifies a whole site at once (tests, and sites known to be small). */
export function certifySite(site: AssetReader, options: SiteOptions): CertificationTree {
  const keys = site.list().map((asset) => asset.key);
  const job = new CertificationJob(new CertificationTree(), site, keys, options);
  return (job.run(() => false) as { tree: CertificationTree }).tree;
}
