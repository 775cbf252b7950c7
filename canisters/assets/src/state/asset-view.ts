import { bytesEqual } from '@citadel/protocol';
import { aliasTargets } from './aliases.js';
import { AssetsErrorCode, assetsError } from './errors.js';
import type { Asset, AssetEncoding } from './types.js';

/** What `get` returns: the first chunk of the chosen encoding and how to fetch the rest. */
export interface EncodedAsset {
  readonly asset: Asset;
  readonly encoding: AssetEncoding;
}

/** Reading a site's assets: what queries, `http_request` and certification need. */
export interface AssetReader {
  /** The asset served at `path`: the key itself, else the first alias target (official order). */
  resolve(path: string): Asset | undefined;
  /** The asset stored under exactly `key` (no aliases). */
  exact(key: string): Asset | undefined;
  /** The first of `acceptEncodings` the asset at `key` (or its alias target) has. */
  get(key: string, acceptEncodings: readonly string[]): EncodedAsset;
  /** Chunk `index` of an encoding; `expectedSha256` must name the encoding's content. */
  getChunk(
    key: string,
    contentEncoding: string,
    index: number,
    expectedSha256: Uint8Array | undefined,
  ): Uint8Array;
  /** Every asset, sorted by key. */
  list(): Asset[];
}

/**
 * Read access to a site's assets, as the query methods and `http_request` need it: over the
 * store's live map, or over a snapshot of it taken when a certification began.
 */
export class AssetView implements AssetReader {
  readonly #assets: ReadonlyMap<string, Asset>;

  constructor(assets: ReadonlyMap<string, Asset>) {
    this.#assets = assets;
  }

  /** The asset served at `path`: the key itself, else its aliases (see {@link aliasesOf}). */
  resolve(path: string): Asset | undefined {
    const exact = this.#assets.get(path);
    if (exact !== undefined) {
      return exact;
    }
    for (const candidate of aliasTargets(path)) {
      const asset = this.#assets.get(candidate);
      if (asset !== undefined && asset.isAliased !== false) {
        return asset;
      }
    }
    return undefined;
  }

  /** `get`: the first of `acceptEncodings` the asset (or its alias target) has. */
  get(key: string, acceptEncodings: readonly string[]): EncodedAsset {
    const asset = this.resolve(key);
    if (asset === undefined) {
      throw assetsError(AssetsErrorCode.ASSET_NOT_FOUND, 'asset not found', { key });
    }
    for (const name of acceptEncodings) {
      const encoding = asset.encodings.get(name);
      if (encoding !== undefined) {
        return { asset, encoding };
      }
    }
    throw assetsError(AssetsErrorCode.ENCODING_NOT_FOUND, 'no such encoding', {
      key,
      acceptEncodings: [...acceptEncodings],
    });
  }

  /** `get_chunk`: chunk `index` of an encoding; `sha256` must name the encoding's content. */
  getChunk(
    key: string,
    contentEncoding: string,
    index: number,
    expectedSha256: Uint8Array | undefined,
  ): Uint8Array {
    const { encoding } = this.get(key, [contentEncoding]);
    if (expectedSha256 === undefined) {
      throw assetsError(AssetsErrorCode.SHA256_REQUIRED, 'sha256 required', { key });
    }
    if (!bytesEqual(expectedSha256, encoding.sha256)) {
      throw assetsError(AssetsErrorCode.SHA256_MISMATCH, 'sha256 mismatch', { key });
    }
    const chunk = encoding.chunks[index];
    if (chunk === undefined) {
      throw assetsError(AssetsErrorCode.CHUNK_NOT_FOUND, 'chunk index out of bounds', {
        key,
        index,
      });
    }
    return chunk;
  }

  /** Every asset, sorted by key. */
  list(): Asset[] {
    return [...this.#assets.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** The asset stored under exactly `key` (no aliases), as `get_asset_properties` needs. */
  exact(key: string): Asset | undefined {
    return this.#assets.get(key);
  }
}
