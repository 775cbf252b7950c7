import { CitadelError } from '@citadel/protocol';

/**
 * Why the asset canister refuses a call. The canister traps with the message, worded like
 * DFINITY's asset canister where a client matches on it (e.g. "asset not found").
 */
export const AssetsErrorCode = {
  ASSET_NOT_FOUND: 'ASSETS_ASSET_NOT_FOUND',
  ENCODING_NOT_FOUND: 'ASSETS_ENCODING_NOT_FOUND',
  CHUNK_NOT_FOUND: 'ASSETS_CHUNK_NOT_FOUND',
  BATCH_NOT_FOUND: 'ASSETS_BATCH_NOT_FOUND',
  SHA256_MISMATCH: 'ASSETS_SHA256_MISMATCH',
  SHA256_REQUIRED: 'ASSETS_SHA256_REQUIRED',
  EMPTY_CONTENT: 'ASSETS_EMPTY_CONTENT',
  INVALID_KEY: 'ASSETS_INVALID_KEY',
  BATCH_ALREADY_PROPOSED: 'ASSETS_BATCH_ALREADY_PROPOSED',
  BATCH_NOT_PROPOSED: 'ASSETS_BATCH_NOT_PROPOSED',
  PROPOSAL_REFUSED: 'ASSETS_PROPOSAL_REFUSED',
  EVIDENCE_NOT_COMPUTED: 'ASSETS_EVIDENCE_NOT_COMPUTED',
  EVIDENCE_MISMATCH: 'ASSETS_EVIDENCE_MISMATCH',
  CHUNK_HASHES_INVALID: 'ASSETS_CHUNK_HASHES_INVALID',
  RELEASE_NOT_FOUND: 'ASSETS_RELEASE_NOT_FOUND',
  RELEASE_PRUNED: 'ASSETS_RELEASE_PRUNED',
  RELEASE_IS_CURRENT: 'ASSETS_RELEASE_IS_CURRENT',
  RELEASES_KEPT_INVALID: 'ASSETS_RELEASES_KEPT_INVALID',
} as const;

export type AssetsErrorCode = (typeof AssetsErrorCode)[keyof typeof AssetsErrorCode];

export function assetsError(
  code: AssetsErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): CitadelError {
  return new CitadelError('input', code, message, details);
}
