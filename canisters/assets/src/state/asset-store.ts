import { bytesEqual, bytesToHex } from '@citadel/protocol';
import { AssetView, type EncodedAsset } from './asset-view.js';
import { EvidenceComputation } from './evidence.js';
import { Sha256 } from '../crypto/sha256.js';
import { AssetsErrorCode, assetsError } from './errors.js';
import type { Asset, HeaderField } from './types.js';

/**
 * The asset canister's content and upload state, as DFINITY's asset canister keeps it
 * (`ic-certified-assets` state machine): assets with their encodings, and upload batches with
 * their chunks. Pure: no System API, so it runs in the canister and in tests alike; the
 * canister layer adds permissions, certification and persistence.
 *
 * Where the official canister is stricter than its own client can cope with, this store is a
 * superset: `CreateAsset` on an existing key updates it (so `@dfinity/assets` can re-upload a
 * large file) instead of trapping "asset already exists".
 */

/** A batch lives this long after its last chunk (the official `BATCH_EXPIRY_NANOS`). */
export const BATCH_EXPIRY_NS = 300_000_000_000n;
/** Stored chunks are at most this long, so one chunk plus headers fits in a 3 MiB query reply. */
export const MAX_CHUNK_BYTES = 1_900_000;

/** The operations of `commit_batch`, as decoded from Candid. */
export type BatchOperation =
  | {
      readonly CreateAsset: {
        readonly key: string;
        readonly content_type: string;
        readonly max_age?: bigint | undefined;
        readonly headers?: HeaderField[] | undefined;
        readonly enable_aliasing?: boolean | undefined;
        readonly allow_raw_access?: boolean | undefined;
      };
    }
  | {
      readonly SetAssetContent: {
        readonly key: string;
        readonly content_encoding: string;
        readonly chunk_ids: readonly bigint[];
        readonly last_chunk?: Uint8Array | undefined;
        readonly sha256?: Uint8Array | undefined;
        /**
         * Citadel extension: the SHA-256 of each {@link MAX_CHUNK_BYTES} piece of the content,
         * so large assets can be served as separately verifiable ranges.
         */
        readonly chunk_sha256s?: readonly Uint8Array[] | undefined;
      };
    }
  | { readonly UnsetAssetContent: { readonly key: string; readonly content_encoding: string } }
  | { readonly DeleteAsset: { readonly key: string } }
  | { readonly Clear: Record<string, never> }
  | { readonly SetAssetProperties: SetAssetProperties };

/** `set_asset_properties`: an absent field is left alone; `null` inside unsets it. */
export interface SetAssetProperties {
  readonly key: string;
  readonly max_age?: { readonly value: bigint | null } | undefined;
  readonly headers?: { readonly value: HeaderField[] | null } | undefined;
  readonly allow_raw_access?: { readonly value: boolean | null } | undefined;
  readonly is_aliased?: { readonly value: boolean | null } | undefined;
}

/** A batch proposed for commit (`propose_commit_batch`) and its evidence so far. */
interface Proposal {
  readonly operations: readonly BatchOperation[];
  readonly evidence: EvidenceComputation;
}

interface Batch {
  expiresAtNs: bigint;
  proposal?: Proposal;
  readonly chunkIds: Set<bigint>;
  /** Operations staged for its commit (Citadel extension), in order. */
  readonly staged: BatchOperation[];
}

interface Chunk {
  readonly batchId: bigint;
  readonly content: Uint8Array;
}

/** Options of {@link AssetStore}. */
export interface AssetStoreOptions {
  /**
   * Take the client's `sha256` of uploaded content instead of recomputing it. In a canister,
   * hashing costs about 80 000 instructions per byte (Azle's QuickJS), so a large upload could
   * not be committed within one message's limit. It stays safe for readers: the hash is what
   * the content is certified with, so a gateway refuses a body that does not match it. Content
   * sent without a hash is always hashed. @default false
   */
  readonly trustClientHashes?: boolean;
}

export class AssetStore {
  readonly #assets = new Map<string, Asset>();
  readonly #live = new AssetView(this.#assets);
  readonly #trustClientHashes: boolean;
  readonly #batches = new Map<bigint, Batch>();
  readonly #chunks = new Map<bigint, Chunk>();
  #nextBatchId = 1n;
  #nextChunkId = 1n;
  /** Keys whose served responses changed since the last call to `takeChangedKeys`. */
  readonly #changed = new Set<string>();

  constructor(options: AssetStoreOptions = {}) {
    this.#trustClientHashes = options.trustClientHashes ?? false;
  }

  // ---- uploads -------------------------------------------------------------------------------

  /**
   * Starts a batch; expired batches and their chunks are dropped first (except proposals whose
   * evidence is computed: they wait for their commit). While a proposal is pending, no batch
   * can start, as in the official canister.
   */
  createBatch(nowNs: bigint): bigint {
    for (const [id, batch] of this.#batches) {
      const decided = batch.proposal?.evidence.evidence !== undefined;
      if (batch.expiresAtNs <= nowNs && !decided) {
        this.deleteBatch(id);
      }
    }
    for (const [id, batch] of this.#batches) {
      if (batch.proposal !== undefined) {
        throw assetsError(
          AssetsErrorCode.BATCH_ALREADY_PROPOSED,
          batch.proposal.evidence.evidence === undefined
            ? `Batch ${id} has not completed evidence computation.  Wait for it to expire or delete it to propose another.`
            : `Batch ${id} is already proposed.  Delete or execute it to propose another.`,
          { batchId: id },
        );
      }
    }
    const id = this.#nextBatchId++;
    this.#batches.set(id, {
      expiresAtNs: nowNs + BATCH_EXPIRY_NS,
      chunkIds: new Set(),
      staged: [],
    });
    return id;
  }

  /** Stores one chunk in a batch and keeps the batch alive for another 5 minutes. */
  createChunk(batchId: bigint, content: Uint8Array, nowNs: bigint): bigint {
    const batch = this.#batch(batchId);
    if (batch.proposal !== undefined) {
      throw assetsError(
        AssetsErrorCode.BATCH_ALREADY_PROPOSED,
        `batch ${batchId} has been proposed`,
        { batchId },
      );
    }
    batch.expiresAtNs = nowNs + BATCH_EXPIRY_NS;
    const id = this.#nextChunkId++;
    this.#chunks.set(id, { batchId, content });
    batch.chunkIds.add(id);
    return id;
  }

  /** Runs a batch's operations in order, then drops the batch and whatever chunks it has left. */
  commitBatch(batchId: bigint, operations: readonly BatchOperation[], nowNs: bigint): void {
    for (const operation of operations) {
      this.#apply(operation, nowNs);
    }
    this.finishBatch(batchId);
  }

  /**
   * Appends operations to the batch's commit (Citadel extension): a commit too large for one
   * message's argument is sent in parts, and `takeStaged` hands them to the final commit.
   * Checked as the commit would check them later, so a bad part fails when it is sent.
   */
  stageOperations(batchId: bigint, operations: readonly BatchOperation[], nowNs: bigint): void {
    const batch = this.#batch(batchId);
    if (batch.proposal !== undefined) {
      throw assetsError(
        AssetsErrorCode.BATCH_ALREADY_PROPOSED,
        `batch ${batchId} is proposed; its operations cannot change`,
        { batchId: batchId.toString() },
      );
    }
    for (const operation of operations) {
      if ('SetAssetContent' in operation) {
        for (const id of operation.SetAssetContent.chunk_ids) {
          this.#checkChunk(id);
        }
      }
    }
    batch.staged.push(...operations);
    batch.expiresAtNs = nowNs + BATCH_EXPIRY_NS;
  }

  /** The batch's staged operations, removed from it; none for an unknown batch (e.g. id 0). */
  takeStaged(batchId: bigint): BatchOperation[] {
    const batch = this.#batches.get(batchId);
    return batch === undefined ? [] : batch.staged.splice(0);
  }

  /** Applies one operation of a commit (see `commitBatch`, which applies them all). */
  applyOperation(operation: BatchOperation, nowNs: bigint): void {
    this.#apply(operation, nowNs);
  }

  /** Ends a commit: drops the batch and whatever chunks it has left. */
  finishBatch(batchId: bigint): void {
    // dfx commits in stages under batch id 0 before the final commit; any id is accepted.
    if (this.#batches.has(batchId)) {
      this.deleteBatch(batchId);
    }
  }

  // ---- proposals (propose_commit_batch, compute_evidence, commit_proposed_batch) -------------

  /**
   * Records `operations` as the batch's proposed commit, to be committed later by someone
   * with Commit permission who presents its evidence. Refuses the shapes through which content
   * could escape the evidence (dfx never sends them): a `SetAssetContent` with both chunk ids
   * and `last_chunk` (the official canister hashes only the chunks but would store both), and
   * chunk ids of other batches (which could still change after the proposal).
   */
  proposeCommitBatch(batchId: bigint, operations: readonly BatchOperation[]): void {
    const batch = this.#batch(batchId);
    if (batch.proposal !== undefined) {
      throw assetsError(
        AssetsErrorCode.BATCH_ALREADY_PROPOSED,
        `batch ${batchId} already has proposed CommitBatchArguments`,
        { batchId },
      );
    }
    for (const operation of operations) {
      if (!('SetAssetContent' in operation)) {
        continue;
      }
      const { key, chunk_ids: chunkIds, last_chunk: lastChunk } = operation.SetAssetContent;
      if (chunkIds.length > 0 && lastChunk !== undefined) {
        throw assetsError(
          AssetsErrorCode.PROPOSAL_REFUSED,
          `SetAssetContent for ${key} has both chunk_ids and last_chunk; a proposal may use one`,
          { batchId, key },
        );
      }
      const foreign = chunkIds.find((id) => !batch.chunkIds.has(id));
      if (foreign !== undefined) {
        throw assetsError(
          AssetsErrorCode.PROPOSAL_REFUSED,
          `SetAssetContent for ${key} uses chunk ${foreign}, which is not in batch ${batchId}`,
          { batchId, key, chunkId: foreign },
        );
      }
    }
    batch.proposal = {
      operations: [...operations],
      evidence: new EvidenceComputation({
        operations,
        readChunk: (id) => this.#chunks.get(id)?.content,
      }),
    };
  }

  /** Hashes up to `budgetBytes` more of the proposal; its evidence once complete. */
  computeEvidence(batchId: bigint, budgetBytes: number): Uint8Array | undefined {
    const step = this.#proposal(batchId).evidence.step(budgetBytes);
    return step.done ? step.evidence : undefined;
  }

  /** Checks that `evidence` is the proposal's computed evidence; its operations if so. */
  checkProposal(batchId: bigint, evidence: Uint8Array): readonly BatchOperation[] {
    const proposal = this.#proposal(batchId);
    const computed = proposal.evidence.evidence;
    if (computed === undefined) {
      throw assetsError(
        AssetsErrorCode.EVIDENCE_NOT_COMPUTED,
        'batch does not have computed evidence',
        { batchId },
      );
    }
    if (!bytesEqual(computed, evidence)) {
      throw assetsError(
        AssetsErrorCode.EVIDENCE_MISMATCH,
        `batch computed evidence ${bytesToHex(computed)} does not match presented evidence ${bytesToHex(evidence)}`,
        { batchId },
      );
    }
    return proposal.operations;
  }

  /** Commits a proposal whose evidence `evidence` matches. */
  commitProposedBatch(batchId: bigint, evidence: Uint8Array, nowNs: bigint): void {
    this.commitBatch(batchId, this.checkProposal(batchId, evidence), nowNs);
  }

  #proposal(batchId: bigint): Proposal {
    const proposal = this.#batch(batchId).proposal;
    if (proposal === undefined) {
      throw assetsError(
        AssetsErrorCode.BATCH_NOT_PROPOSED,
        'batch does not have CommitBatchArguments',
        { batchId },
      );
    }
    return proposal;
  }

  /** Drops a batch and its chunks; unknown ids are ignored. */
  deleteBatch(batchId: bigint): void {
    const batch = this.#batches.get(batchId);
    if (batch === undefined) {
      return;
    }
    for (const chunkId of batch.chunkIds) {
      this.#chunks.delete(chunkId);
    }
    this.#batches.delete(batchId);
  }

  /** `store`: creates or replaces a single-chunk encoding (and the asset, if new). */
  store(
    params: {
      readonly key: string;
      readonly content_type: string;
      readonly content_encoding: string;
      readonly content: Uint8Array;
      readonly sha256?: Uint8Array | undefined;
      readonly aliased?: boolean | undefined;
    },
    nowNs: bigint,
  ): void {
    const asset = this.#upsert(params.key, params.content_type);
    if (params.aliased !== undefined) {
      asset.isAliased = params.aliased;
    }
    this.#setContent(asset, params.content_encoding, [params.content], params.sha256, nowNs);
  }

  // ---- reads ---------------------------------------------------------------------------------

  /** The asset served at `path`: the key itself, else its aliases (see {@link aliasesOf}). */
  resolve(path: string): Asset | undefined {
    return this.#live.resolve(path);
  }

  /** `get`: the first of `acceptEncodings` the asset (or its alias target) has. */
  get(key: string, acceptEncodings: readonly string[]): EncodedAsset {
    return this.#live.get(key, acceptEncodings);
  }

  /** `get_chunk`: chunk `index` of an encoding; `sha256` must name the encoding's content. */
  getChunk(
    key: string,
    contentEncoding: string,
    index: number,
    expectedSha256: Uint8Array | undefined,
  ): Uint8Array {
    return this.#live.getChunk(key, contentEncoding, index, expectedSha256);
  }

  /** Every asset, sorted by key. */
  list(): Asset[] {
    return this.#live.list();
  }

  /** The asset stored under exactly `key` (no aliases), as `get_asset_properties` needs. */
  exact(key: string): Asset | undefined {
    return this.#live.exact(key);
  }

  /**
   * The site as it is now, unaffected by later changes (assets are replaced, never mutated, so
   * this copies one map): what a certification in progress works from, and what `http_request`
   * keeps serving until that certification is done.
   */
  snapshot(): AssetView {
    return new AssetView(new Map(this.#assets));
  }

  /**
   * Keys whose responses may have changed since the last call (the keys themselves and every
   * path that aliases them), for re-certification; clears the set.
   */
  takeChangedKeys(): string[] {
    const keys = [...this.#changed];
    this.#changed.clear();
    return keys;
  }

  /** Puts back an asset read from stable memory after an upgrade (no change is recorded). */
  restore(asset: Asset): void {
    this.#assets.set(asset.key, asset);
  }

  /**
   * Makes `asset` the one under `key`, or removes the key's asset (`undefined`): how a rollback
   * puts back a release's assets. Recorded as a change.
   */
  put(key: string, asset: Asset | undefined): void {
    if (asset === undefined) {
      this.#assets.delete(key);
    } else {
      this.#assets.set(key, asset);
    }
    this.#markChanged(key);
  }

  /** How many assets there are, and the sum of their identity encodings' lengths. */
  totals(): { files: number; bytes: number } {
    let bytes = 0;
    for (const asset of this.#assets.values()) {
      bytes += asset.encodings.get('identity')?.totalLength ?? 0;
    }
    return { files: this.#assets.size, bytes };
  }

  /** `true` while nothing has been uploaded since the last clear. */
  get isEmpty(): boolean {
    return this.#assets.size === 0;
  }

  // ---- operations ----------------------------------------------------------------------------

  #apply(operation: BatchOperation, nowNs: bigint): void {
    if ('CreateAsset' in operation) {
      const args = operation.CreateAsset;
      const asset = this.#upsert(args.key, args.content_type);
      asset.maxAge = args.max_age;
      asset.headers = args.headers;
      if (args.enable_aliasing !== undefined) {
        asset.isAliased = args.enable_aliasing;
      }
      if (args.allow_raw_access !== undefined) {
        asset.allowRawAccess = args.allow_raw_access;
      }
    } else if ('SetAssetContent' in operation) {
      const args = operation.SetAssetContent;
      const asset = this.#writable(args.key);
      const chunks = args.chunk_ids.map((id) => this.#takeChunk(id));
      if (args.last_chunk !== undefined) {
        chunks.push(args.last_chunk);
      }
      this.#setContent(
        asset,
        args.content_encoding,
        chunks,
        args.sha256,
        nowNs,
        args.chunk_sha256s,
      );
    } else if ('UnsetAssetContent' in operation) {
      const args = operation.UnsetAssetContent;
      this.#writable(args.key).encodings.delete(args.content_encoding);
      this.#markChanged(args.key);
    } else if ('DeleteAsset' in operation) {
      if (this.#assets.delete(operation.DeleteAsset.key)) {
        this.#markChanged(operation.DeleteAsset.key);
      }
    } else if ('Clear' in operation) {
      this.clear();
    } else {
      this.setAssetProperties(operation.SetAssetProperties);
    }
  }

  /** `clear`: every asset, batch and chunk goes; ids start over at 1. */
  clear(): void {
    for (const key of this.#assets.keys()) {
      this.#markChanged(key);
    }
    this.#assets.clear();
    this.#batches.clear();
    this.#chunks.clear();
    this.#nextBatchId = 1n;
    this.#nextChunkId = 1n;
  }

  setAssetProperties(args: SetAssetProperties): void {
    const asset = this.#writable(args.key);
    if (args.max_age !== undefined) {
      asset.maxAge = args.max_age.value ?? undefined;
    }
    if (args.headers !== undefined) {
      asset.headers = args.headers.value ?? undefined;
    }
    if (args.allow_raw_access !== undefined) {
      asset.allowRawAccess = args.allow_raw_access.value ?? undefined;
    }
    if (args.is_aliased !== undefined) {
      asset.isAliased = args.is_aliased.value ?? undefined;
    }
    this.#markChanged(args.key);
  }

  #upsert(key: string, contentType: string): Asset {
    if (!key.startsWith('/')) {
      throw assetsError(AssetsErrorCode.INVALID_KEY, `asset keys start with '/', got '${key}'`, {
        key,
      });
    }
    let asset = this.#assets.get(key);
    if (asset === undefined) {
      asset = {
        key,
        contentType,
        maxAge: undefined,
        headers: undefined,
        isAliased: undefined,
        allowRawAccess: undefined,
        encodings: new Map(),
      };
      this.#assets.set(key, asset);
    } else {
      asset = this.#writable(key);
      asset.contentType = contentType;
    }
    this.#markChanged(key);
    return asset;
  }

  /**
   * A fresh copy of the asset under `key`, put in its place, to change: snapshots taken earlier
   * keep the asset as it was.
   */
  #writable(key: string): Asset {
    const asset = this.#assets.get(key);
    if (asset === undefined) {
      throw assetsError(AssetsErrorCode.ASSET_NOT_FOUND, `asset not found: ${key}`, { key });
    }
    const copy: Asset = { ...asset, encodings: new Map(asset.encodings) };
    this.#assets.set(key, copy);
    return copy;
  }

  #batch(batchId: bigint): Batch {
    const batch = this.#batches.get(batchId);
    if (batch === undefined) {
      throw assetsError(AssetsErrorCode.BATCH_NOT_FOUND, `batch not found: ${batchId}`, {
        batchId,
      });
    }
    return batch;
  }

  /** A chunk is used once: setting content consumes it. */
  #checkChunk(id: bigint): Chunk {
    const chunk = this.#chunks.get(id);
    if (chunk === undefined) {
      throw assetsError(AssetsErrorCode.CHUNK_NOT_FOUND, `chunk not found: ${id}`, {
        chunkId: id,
      });
    }
    return chunk;
  }

  #takeChunk(id: bigint): Uint8Array {
    const chunk = this.#checkChunk(id);
    this.#chunks.delete(id);
    this.#batches.get(chunk.batchId)?.chunkIds.delete(id);
    return chunk.content;
  }

  /**
   * Sets an encoding from `pieces` in order. The hash is computed over the content and must
   * equal the client's, as the official canister demands (unless client hashes are trusted,
   * see {@link AssetStoreOptions}); the content is re-cut into chunks
   * of equal length so `get_chunk` offsets work whatever the upload's piece sizes were.
   */
  #setContent(
    asset: Asset,
    contentEncoding: string,
    pieces: readonly Uint8Array[],
    expectedSha256: Uint8Array | undefined,
    nowNs: bigint,
    chunkSha256s?: readonly Uint8Array[],
  ): void {
    if (pieces.length === 0) {
      throw assetsError(
        AssetsErrorCode.EMPTY_CONTENT,
        'encoding must have at least one chunk or contain last_chunk',
        { key: asset.key },
      );
    }
    const totalLength = pieces.reduce((total, piece) => total + piece.length, 0);
    let digest: Uint8Array;
    if (this.#trustClientHashes && expectedSha256 !== undefined) {
      digest = expectedSha256;
    } else {
      const hasher = new Sha256();
      for (const piece of pieces) {
        hasher.update(piece);
      }
      digest = hasher.digest();
    }
    if (expectedSha256 !== undefined && !bytesEqual(expectedSha256, digest)) {
      throw assetsError(AssetsErrorCode.SHA256_MISMATCH, 'sha256 mismatch', {
        key: asset.key,
        expected: bytesToHex(expectedSha256),
        actual: bytesToHex(digest),
      });
    }
    const chunks = evenChunks(pieces, totalLength);
    asset.encodings.set(contentEncoding, {
      contentEncoding,
      chunks,
      totalLength,
      sha256: digest,
      chunkSha256s:
        chunkSha256s === undefined
          ? undefined
          : this.#checkedChunkHashes(asset.key, chunks, chunkSha256s),
      modifiedNs: nowNs,
    });
    this.#markChanged(asset.key);
  }

  /** The client's per-chunk hashes, if they fit the chunks (and match them, unless trusted). */
  #checkedChunkHashes(
    key: string,
    chunks: readonly Uint8Array[],
    hashes: readonly Uint8Array[],
  ): readonly Uint8Array[] {
    if (hashes.length !== chunks.length || hashes.some((hash) => hash.length !== 32)) {
      throw assetsError(
        AssetsErrorCode.CHUNK_HASHES_INVALID,
        `chunk_sha256s must hold one 32-byte hash per ${MAX_CHUNK_BYTES}-byte piece: ${chunks.length} expected, ${hashes.length} given`,
        { key, expected: chunks.length, given: hashes.length },
      );
    }
    if (!this.#trustClientHashes) {
      chunks.forEach((chunk, index) => {
        if (!bytesEqual(new Sha256().update(chunk).digest(), hashes[index] as Uint8Array)) {
          throw assetsError(AssetsErrorCode.SHA256_MISMATCH, `sha256 mismatch in chunk ${index}`, {
            key,
            index,
          });
        }
      });
    }
    return hashes.map((hash) => hash.slice());
  }

  #markChanged(key: string): void {
    this.#changed.add(key);
  }
}

/** `pieces` re-cut into chunks of {@link MAX_CHUNK_BYTES} (pieces already that size are kept). */
function evenChunks(pieces: readonly Uint8Array[], totalLength: number): Uint8Array[] {
  const uniform = pieces.every(
    (piece, i) => i === pieces.length - 1 || piece.length === MAX_CHUNK_BYTES,
  );
  if (uniform && (pieces.at(-1)?.length ?? 0) <= MAX_CHUNK_BYTES) {
    return [...pieces];
  }
  const whole = new Uint8Array(totalLength);
  let offset = 0;
  for (const piece of pieces) {
    whole.set(piece, offset);
    offset += piece.length;
  }
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < totalLength || chunks.length === 0; start += MAX_CHUNK_BYTES) {
    chunks.push(whole.subarray(start, Math.min(start + MAX_CHUNK_BYTES, totalLength)));
  }
  return chunks;
}
