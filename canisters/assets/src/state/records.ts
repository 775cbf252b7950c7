import { bytesToHex } from '@citadel/protocol';
import { hexToBytes } from '@noble/hashes/utils.js';
import type { Asset, AssetEncoding, HeaderField } from './types.js';

/**
 * An asset as it is persisted: its properties and, per encoding, where its bytes are (the id of
 * its content in the {@link ContentStore}) instead of the bytes. The same record (as JSON text)
 * is the current state in stable memory and a key's previous state in an undo diff, so the
 * JSON is always built by {@link toRecord}: equal assets give equal text.
 */
export interface AssetRecord {
  readonly contentType: string;
  readonly maxAge: string | null;
  readonly headers: HeaderField[] | null;
  readonly isAliased: boolean | null;
  readonly allowRawAccess: boolean | null;
  readonly encodings: EncodingRecord[];
}

export interface EncodingRecord {
  readonly contentEncoding: string;
  /**
   * The content's id in the content store. Absent in records written by canisters before
   * content-addressed storage (their chunks are under `key\0encoding\0index`).
   */
  readonly content?: string;
  readonly chunkCount: number;
  readonly totalLength: number;
  readonly sha256: string;
  readonly chunkSha256s?: string[];
  readonly modifiedNs: string;
}

/** `asset` as a record; `contentOf` names where each encoding's bytes are stored. */
export function toRecord(
  asset: Asset,
  contentOf: (encoding: AssetEncoding) => string,
): AssetRecord {
  const encodings: EncodingRecord[] = [];
  for (const encoding of asset.encodings.values()) {
    encodings.push({
      contentEncoding: encoding.contentEncoding,
      content: contentOf(encoding),
      chunkCount: encoding.chunks.length,
      totalLength: encoding.totalLength,
      sha256: bytesToHex(encoding.sha256),
      ...(encoding.chunkSha256s === undefined
        ? {}
        : { chunkSha256s: encoding.chunkSha256s.map(bytesToHex) }),
      modifiedNs: encoding.modifiedNs.toString(),
    });
  }
  return {
    contentType: asset.contentType,
    maxAge: asset.maxAge === undefined ? null : asset.maxAge.toString(),
    headers: asset.headers ?? null,
    isAliased: asset.isAliased ?? null,
    allowRawAccess: asset.allowRawAccess ?? null,
    encodings,
  };
}

/** The asset a record describes, with each encoding's chunks from `chunksOf`. */
export function fromRecord(
  key: string,
  record: AssetRecord,
  chunksOf: (encoding: EncodingRecord) => Uint8Array[],
): Asset {
  const encodings = new Map<string, AssetEncoding>();
  for (const encoding of record.encodings) {
    encodings.set(encoding.contentEncoding, {
      contentEncoding: encoding.contentEncoding,
      chunks: chunksOf(encoding),
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
}
