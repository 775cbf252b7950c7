import { StableBTreeMap } from 'azle';
import type { SiteOptions } from '../http/site-certification.js';
import { bytesToHex } from '@citadel/protocol';
import { hexToBytes } from '@noble/hashes/utils.js';
import type { Asset, AssetEncoding, HeaderField } from '../state/types.js';
import type { PermissionLists } from './permissions.js';

/**
 * The canister's state in stable memory, written through on every change so an upgrade (or
 * a crash of the replica) never loses a committed asset. Heap state is rebuilt from it in
 * `post_upgrade`. Chunks are stored raw, one entry each; metadata as JSON.
 */

interface EncodingRecord {
  readonly contentEncoding: string;
  readonly chunkCount: number;
  readonly totalLength: number;
  readonly sha256: string;
  readonly chunkSha256s?: string[];
  readonly modifiedNs: string;
}

interface AssetRecord {
  readonly contentType: string;
  readonly maxAge: string | null;
  readonly headers: HeaderField[] | null;
  readonly isAliased: boolean | null;
  readonly allowRawAccess: boolean | null;
  readonly encodings: EncodingRecord[];
}

/** Bytes stored as they are. */
const RAW = {
  toBytes: (data: Uint8Array) => data,
  fromBytes: (bytes: Uint8Array) => bytes,
};
const TEXT = {
  toBytes: (data: string) => new TextEncoder().encode(data),
  fromBytes: (bytes: Uint8Array) => new TextDecoder().decode(bytes),
};

const assets = new StableBTreeMap<string, string>(0, TEXT, TEXT);
const chunks = new StableBTreeMap<string, Uint8Array>(1, TEXT, RAW);
const settings = new StableBTreeMap<string, string>(2, TEXT, TEXT);

const chunkKey = (key: string, encoding: string, index: number) =>
  `${key}\u0000${encoding}\u0000${index}`;

/** Writes `asset` (or its removal, when undefined) under `key`. */
export function saveAsset(key: string, asset: Asset | undefined): void {
  const previous = readRecord(key);
  for (const encoding of previous?.encodings ?? []) {
    const kept = asset?.encodings.get(encoding.contentEncoding)?.chunks.length ?? 0;
    for (let index = kept; index < encoding.chunkCount; index++) {
      chunks.remove(chunkKey(key, encoding.contentEncoding, index));
    }
  }
  if (asset === undefined) {
    assets.remove(key);
    return;
  }
  const encodings: EncodingRecord[] = [];
  for (const encoding of asset.encodings.values()) {
    const before = previous?.encodings.find((e) => e.contentEncoding === encoding.contentEncoding);
    // Unchanged content keeps its chunks; only new or replaced encodings are written.
    if (
      before?.sha256 !== bytesToHex(encoding.sha256) ||
      before.chunkCount !== encoding.chunks.length
    ) {
      encoding.chunks.forEach((chunk, index) => {
        chunks.insert(chunkKey(key, encoding.contentEncoding, index), chunk);
      });
    }
    encodings.push({
      contentEncoding: encoding.contentEncoding,
      chunkCount: encoding.chunks.length,
      totalLength: encoding.totalLength,
      sha256: bytesToHex(encoding.sha256),
      ...(encoding.chunkSha256s === undefined
        ? {}
        : { chunkSha256s: encoding.chunkSha256s.map(bytesToHex) }),
      modifiedNs: encoding.modifiedNs.toString(),
    });
  }
  const record: AssetRecord = {
    contentType: asset.contentType,
    maxAge: asset.maxAge === undefined ? null : asset.maxAge.toString(),
    headers: asset.headers ?? null,
    isAliased: asset.isAliased ?? null,
    allowRawAccess: asset.allowRawAccess ?? null,
    encodings,
  };
  assets.insert(key, JSON.stringify(record));
}

/** Every asset in stable memory, chunks included. */
export function loadAssets(): Asset[] {
  return assets.keys().map((key) => {
    const record = readRecord(key) as AssetRecord;
    const encodings = new Map<string, AssetEncoding>();
    for (const encoding of record.encodings) {
      const parts: Uint8Array[] = [];
      for (let index = 0; index < encoding.chunkCount; index++) {
        parts.push(chunks.get(chunkKey(key, encoding.contentEncoding, index)) ?? new Uint8Array(0));
      }
      encodings.set(encoding.contentEncoding, {
        contentEncoding: encoding.contentEncoding,
        chunks: parts,
        totalLength: encoding.totalLength,
        sha256: hexToBytes(encoding.sha256),
        chunkSha256s: encoding.chunkSha256s?.map(hexToBytes),
        modifiedNs: BigInt(encoding.modifiedNs),
      });
    }
    return {
      key,
      contentType: record.contentType,
      maxAge: record.maxAge === null ? undefined : BigInt(record.maxAge),
      headers: record.headers ?? undefined,
      isAliased: record.isAliased ?? undefined,
      allowRawAccess: record.allowRawAccess ?? undefined,
      encodings,
    };
  });
}

/** Saves the site's options (see `SiteOptions`). */
export function saveSiteOptions(options: SiteOptions): void {
  settings.insert('site', JSON.stringify(options));
}

/** The saved site options, with defaults for any the saved record lacks. */
export function loadSiteOptions(defaults: SiteOptions): SiteOptions {
  const text = settings.get('site');
  return text === undefined
    ? defaults
    : { ...defaults, ...(JSON.parse(text) as Partial<SiteOptions>) };
}

export function savePermissions(lists: PermissionLists): void {
  settings.insert('permissions', JSON.stringify(lists));
}

export function loadPermissions(): PermissionLists | undefined {
  const text = settings.get('permissions');
  return text === undefined ? undefined : (JSON.parse(text) as PermissionLists);
}

function readRecord(key: string): AssetRecord | undefined {
  const text = assets.get(key);
  return text === undefined ? undefined : (JSON.parse(text) as AssetRecord);
}
