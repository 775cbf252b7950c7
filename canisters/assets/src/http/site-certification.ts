import { CertificationTree, type ExpressionPath } from '../certification/certification-tree.js';
import { pathSegments } from '../certification/request-path.js';
import { aliasesOf, type AssetStore } from '../state/asset-store.js';
import type { Asset, AssetEncoding } from '../state/types.js';
import { type AssetResponse, assetResponse, plainNotFound } from './asset-response.js';

/**
 * Which responses of a site are certified, and where (official asset canister rules, plus a
 * 404 page): every encoding of every asset under its key and each alias path that is not an
 * asset itself, as 200 and as 304 (for `If-None-Match`); for v1, one body hash per path.
 * Paths that match nothing get the fallback, certified once at the root wildcard.
 */

/** How the site answers paths that match no asset. */
export interface SiteOptions {
  /** Serve `/index.html` with 200 for unknown paths (single-page apps). @default false */
  readonly spaFallback: boolean;
}

/** What unknown paths are answered with. */
export type Fallback =
  | { readonly kind: 'asset'; readonly key: string; readonly status: 200 | 404 }
  | { readonly kind: 'plain' };

/** v1 certifies one encoding per path, in this order of preference (verifiers decode these). */
const V1_ENCODINGS = ['identity', 'gzip', 'compress', 'deflate', 'br'];

export const ROOT_WILDCARD: ExpressionPath = { segments: [], wildcard: true };

/** The fallback of a site in its current state. */
export function fallbackOf(store: AssetStore, options: SiteOptions): Fallback {
  if (options.spaFallback && store.exact('/index.html') !== undefined) {
    return { kind: 'asset', key: '/index.html', status: 200 };
  }
  if (store.exact('/404.html') !== undefined) {
    return { kind: 'asset', key: '/404.html', status: 404 };
  }
  return { kind: 'plain' };
}

/** The paths that serve `asset`: its key, and its aliases that are not assets themselves. */
export function servedPaths(store: AssetStore, asset: Asset): string[] {
  const aliases = asset.isAliased === false ? [] : aliasesOf(asset.key);
  return [asset.key, ...aliases.filter((path) => store.exact(path) === undefined)];
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

/** Builds the certification tree of the whole site; its root hash is the certified data. */
export function certifySite(store: AssetStore, options: SiteOptions): CertificationTree {
  const tree = new CertificationTree();
  for (const asset of store.list()) {
    const v1 = v1Encoding(asset);
    for (const path of servedPaths(store, asset)) {
      const at: ExpressionPath = { segments: pathSegments(path), wildcard: false };
      for (const encoding of asset.encodings.values()) {
        add(tree, at, assetResponse(asset, encoding, 200));
        add(tree, at, assetResponse(asset, encoding, 304));
      }
      tree.setV1(path, v1?.sha256);
    }
  }
  const fallback = fallbackOf(store, options);
  if (fallback.kind === 'plain') {
    add(tree, ROOT_WILDCARD, plainNotFound());
  } else {
    const asset = store.exact(fallback.key);
    for (const encoding of asset?.encodings.values() ?? []) {
      add(tree, ROOT_WILDCARD, assetResponse(asset as Asset, encoding, fallback.status));
    }
  }
  return tree;
}

function add(tree: CertificationTree, at: ExpressionPath, response: AssetResponse): void {
  tree.addV2(at, response.expressionHash, response.responseHash);
}
