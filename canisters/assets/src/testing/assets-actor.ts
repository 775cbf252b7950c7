import type { ActorSubclass } from '@dfinity/agent';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  type AssetsCanister,
  CHUNK_BYTES,
  type CreateAssetArguments,
  type SetAssetContentArguments,
} from '../client/index.js';

/**
 * Helpers for tests that drive the asset canister directly (what `@dfinity/assets` does not
 * cover: proposals, properties, site options, chunk hashes): batch operations built with
 * defaults.
 */

export {
  assetsActor,
  CHUNK_BYTES,
  type AssetsCanister as AssetsActor,
  type BatchOperation as Operation,
} from '../client/index.js';

export interface CreateAssetOperation {
  CreateAsset: CreateAssetArguments;
}

export interface SetAssetContentOperation {
  SetAssetContent: SetAssetContentArguments;
}

/** `CreateAsset` with the given properties; the others unset. */
export function createAsset(
  asset: { key: string; content_type: string } & Partial<CreateAssetOperation['CreateAsset']>,
): CreateAssetOperation {
  return {
    CreateAsset: {
      max_age: [],
      headers: [],
      enable_aliasing: [],
      allow_raw_access: [],
      ...asset,
    },
  };
}

/** `SetAssetContent` for the given chunks (or inline content), with its sha256. */
export function setAssetContent(
  content: { key: string; content: Uint8Array; chunk_ids?: bigint[] } & Partial<
    SetAssetContentOperation['SetAssetContent']
  >,
): SetAssetContentOperation {
  const { content: bytes, ...rest } = content;
  const chunkIds = rest.chunk_ids ?? [];
  return {
    SetAssetContent: {
      content_encoding: 'identity',
      chunk_ids: chunkIds,
      last_chunk: chunkIds.length === 0 ? [bytes] : [],
      sha256: [sha256(bytes)],
      chunk_sha256s: [],
      ...rest,
    },
  };
}

/**
 * Uploads `content` under `key` in 1.9 MB chunks with their hashes (Citadel's extension), so
 * the canister serves it as separately verifiable `206` ranges.
 */
export async function uploadInRanges(
  actor: ActorSubclass<AssetsCanister>,
  key: string,
  content: Uint8Array,
): Promise<void> {
  const pieces: Uint8Array[] = [];
  for (let start = 0; start < content.length; start += CHUNK_BYTES) {
    pieces.push(content.subarray(start, start + CHUNK_BYTES));
  }
  const { batch_id } = await actor.create_batch({});
  const chunkIds: bigint[] = [];
  for (const piece of pieces) {
    chunkIds.push((await actor.create_chunk({ batch_id, content: piece })).chunk_id);
  }
  await actor.commit_batch({
    batch_id,
    operations: [
      createAsset({ key, content_type: 'application/octet-stream' }),
      setAssetContent({
        key,
        content,
        chunk_ids: chunkIds,
        chunk_sha256s: [pieces.map((piece) => sha256(piece))],
      }),
    ],
  });
}
