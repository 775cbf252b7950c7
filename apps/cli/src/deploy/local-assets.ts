import type { Dirent } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import {
  type AssetConfigResolver,
  type ContentEncoding,
  loadAssetConfig,
} from '@citadel/assets-canister/config';
import { contentTypeOf, isCompressible } from './content-types.js';
import type { EncodingCache } from './encoding-cache.js';
import { sha256 } from '../sha256.js';

/**
 * The files of a static site as the asset canister will hold them: key, properties from
 * `.ic-assets.json5`, and each encoding's SHA-256 and length. Bytes are produced on demand
 * (`read`), so planning a deploy of a large site keeps only hashes in memory.
 */

export interface LocalEncoding {
  readonly name: ContentEncoding;
  /** SHA-256 of this encoding's bytes. */
  readonly sha256: Uint8Array;
  readonly length: number;
  /** This encoding's bytes (compressed again when not kept from the scan). */
  readonly read: () => Promise<Uint8Array>;
}

export interface LocalAsset {
  /** The URL path: `/` + the file's path relative to the site root. */
  readonly key: string;
  /** Absolute path of the file. */
  readonly file: string;
  readonly contentType: string;
  readonly maxAge: bigint | undefined;
  /** Sorted by name; undefined when no rule sets headers. */
  readonly headers: readonly (readonly [string, string])[] | undefined;
  readonly enableAliasing: boolean | undefined;
  readonly allowRawAccess: boolean;
  readonly encodings: readonly LocalEncoding[];
}

export interface ScanOptions {
  readonly cache: EncodingCache;
  /** Called after each file is hashed (and compressed when needed). */
  readonly onFile?: (done: number, total: number) => void;
  /** Files hashed and compressed at once. @default 8 */
  readonly concurrency?: number;
}

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/**
 * Compression settings; changing them means bumping the cache format in encoding-cache.ts.
 * Brotli 9 compresses about as well as 11 for web assets at a tenth of the time.
 */
const GZIP_LEVEL = 9;
const BROTLI_QUALITY = 9;

/** Encodings uploaded when `.ic-assets.json5` does not choose: gzip and brotli for text. */
export function citadelDefaultEncodings(contentType: string): readonly ContentEncoding[] {
  return isCompressible(contentType) ? ['identity', 'gzip', 'br'] : ['identity'];
}

async function compress(encoding: ContentEncoding, bytes: Uint8Array): Promise<Uint8Array> {
  switch (encoding) {
    case 'identity':
      return bytes;
    case 'gzip':
      return new Uint8Array(await gzipAsync(bytes, { level: GZIP_LEVEL }));
    case 'br':
      return new Uint8Array(
        await brotliAsync(bytes, {
          params: {
            [zlibConstants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
            [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
          },
        }),
      );
  }
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Every regular file under `root` that `.ic-assets.json5` keeps, as `/`-separated relative paths. */
export async function listSiteFiles(root: string, config: AssetConfigResolver): Promise<string[]> {
  const files: string[] = [];
  const visit = async (dir: string, relative: string): Promise<void> => {
    const entries: Dirent[] = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (config.isIncluded(path, { directory: true })) {
          await visit(join(dir, entry.name), path);
        }
      } else if (entry.isFile() && config.isIncluded(path)) {
        files.push(path);
      }
      // Symbolic links and special files are skipped, as ic-asset's walk does.
    }
  };
  await visit(root, '');
  return files;
}

/** Runs `work` over `items`, `concurrency` at a time, keeping the order of results. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/**
 * Scans the site at `root`: which files, with which properties and encodings. A compressed
 * encoding is kept only when it is smaller than the file itself.
 */
export async function scanSite(root: string, options: ScanOptions): Promise<LocalAsset[]> {
  const config = await loadAssetConfig(root);
  const paths = await listSiteFiles(root, config);
  let done = 0;
  return mapConcurrently(paths, options.concurrency ?? 8, async (path) => {
    const asset = await scanFile(root, path, config, options.cache);
    options.onFile?.(++done, paths.length);
    return asset;
  });
}

async function scanFile(
  root: string,
  path: string,
  config: AssetConfigResolver,
  cache: EncodingCache,
): Promise<LocalAsset> {
  const file = join(root, ...path.split('/'));
  const resolved = config.resolve(path);
  const contentType = contentTypeOf(path);
  const bytes = new Uint8Array(await readFile(file));
  const identitySha = sha256(bytes);
  const identityHex = hex(identitySha);
  const readIdentity = async (): Promise<Uint8Array> => new Uint8Array(await readFile(file));
  const encodings: LocalEncoding[] = [];
  for (const name of resolved.encodings ?? citadelDefaultEncodings(contentType)) {
    if (name === 'identity') {
      encodings.push({ name, sha256: identitySha, length: bytes.length, read: readIdentity });
      continue;
    }
    const readEncoded = async (): Promise<Uint8Array> => compress(name, await readIdentity());
    const cached = cache.get(identityHex, name);
    if (cached !== undefined) {
      if (cached.length < bytes.length) {
        encodings.push({
          name,
          sha256: Buffer.from(cached.sha256, 'hex'),
          length: cached.length,
          read: readEncoded,
        });
      }
      continue;
    }
    const encoded = await compress(name, bytes);
    const encodedSha = sha256(encoded);
    cache.set(identityHex, name, { sha256: hex(encodedSha), length: encoded.length });
    if (encoded.length < bytes.length) {
      encodings.push({ name, sha256: encodedSha, length: encoded.length, read: readEncoded });
    }
  }
  return {
    key: `/${path}`,
    file,
    contentType,
    maxAge: resolved.maxAge,
    headers: resolved.headers,
    enableAliasing: resolved.enableAliasing,
    allowRawAccess: resolved.allowRawAccess,
    encodings,
  };
}
