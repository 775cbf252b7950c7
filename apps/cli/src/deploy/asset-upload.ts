import type { ActorSubclass } from '@dfinity/agent';
import {
  type AssetsCanister,
  type BatchOperation,
  CHUNK_BYTES,
  commitArgumentBytes,
} from '@citadel/assets-canister/client';
import type { AssetPlan, PlannedOperation, PlannedUpload } from './asset-plan.js';
import { CliErrorCode, createCliError } from '../errors.js';
import { sha256 } from '../sha256.js';

/**
 * Carries out an `AssetPlan`: uploads the encodings in chunks — small ones packed several to
 * a `create_chunks` call, large ones in `CHUNK_BYTES` pieces with their hashes so the canister
 * can certify ranges — a bounded number of calls at a time, then commits the batch at once.
 */

export interface UploadProgress {
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly filesDone: number;
  readonly filesTotal: number;
}

export interface UploadOptions {
  /** `create_chunks` calls in flight at once. @default 8 */
  readonly concurrency?: number;
  readonly onProgress?: (progress: UploadProgress) => void;
  /** Chunks already in the canister from an interrupted run: see `UploadJournal`. */
  readonly journal?: UploadJournal;
  /** Called while a large commit is being certified, with the time waited so far. */
  readonly onCertifying?: (elapsedMs: number) => void;
  /** @default timers/promises setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * A commit of more than 5,000 operations answers once applied, and the canister certifies it
 * in messages of its own (minutes for 10,000 files); the previous release is served until
 * then. Waits until the new release is served, so the printed URL shows it.
 */
async function waitUntilServed(
  actor: ActorSubclass<AssetsCanister>,
  options: UploadOptions,
): Promise<void> {
  const [current] = await actor.current_release();
  if (current === undefined) {
    return;
  }
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const started = performance.now();
  for (;;) {
    const [served] = await actor.served_release();
    if (served !== undefined && served >= current.id) {
      return;
    }
    options.onCertifying?.(performance.now() - started);
    await sleep(1_000);
  }
}

/**
 * What an interrupted deploy had uploaded: its batch and the chunk id of each piece by the
 * piece's SHA-256. A batch lives for five minutes after its last chunk, so a deploy run again
 * soon after an interruption sends only what is missing.
 */
export interface UploadJournal {
  /** The batch to continue, if any. */
  readonly batchId: bigint | undefined;
  readonly chunkIds: ReadonlyMap<string, bigint>;
  /** Records a new batch (the old one is gone) or a piece it now holds. */
  started(batchId: bigint): Promise<void>;
  uploaded(pieceSha256: string, chunkId: bigint): void;
  /** Persists what `uploaded` recorded. */
  flush(): Promise<void>;
  /** The batch was committed or is gone: forget it. */
  clear(): Promise<void>;
}

/** Largest `create_chunks` payload: leaves room in the 2 MiB ingress limit for the envelope. */
const MAX_CALL_BYTES = CHUNK_BYTES;
/** Largest encoded argument of one `commit_batch` or `stage_batch_operations` call. */
export const MAX_COMMIT_ARGUMENT_BYTES = 1_800_000;
/**
 * Most operations per call: decoding and checking them costs the canister instructions, and
 * a message has 40 B (about 4 M per operation with Azle's Candid decoding).
 */
export const MAX_OPERATIONS_PER_CALL = 2_000;

/**
 * `operations` cut into consecutive parts that each fit one call (`MAX_COMMIT_ARGUMENT_BYTES`,
 * `MAX_OPERATIONS_PER_CALL`); one part when they all fit.
 * @throws CLI_DEPLOY_COMMIT_TOO_LARGE for a single operation that alone is too large.
 */
export function splitOperations(
  batchId: bigint,
  operations: readonly BatchOperation[],
): BatchOperation[][] {
  const parts: BatchOperation[][] = [];
  const fill = (slice: BatchOperation[]): void => {
    const size = commitArgumentBytes({ batch_id: batchId, operations: slice });
    if (size <= MAX_COMMIT_ARGUMENT_BYTES) {
      parts.push(slice);
      return;
    }
    if (slice.length === 1) {
      throw createCliError(
        CliErrorCode.DEPLOY_COMMIT_TOO_LARGE,
        `One batch operation is ${size} bytes encoded, more than one message may carry (${MAX_COMMIT_ARGUMENT_BYTES}).`,
        { size },
      );
    }
    const half = Math.ceil(slice.length / 2);
    fill(slice.slice(0, half));
    fill(slice.slice(half));
  };
  for (let start = 0; start < operations.length; start += MAX_OPERATIONS_PER_CALL) {
    fill(operations.slice(start, start + MAX_OPERATIONS_PER_CALL));
  }
  return parts.length === 0 ? [[]] : parts;
}

interface Piece {
  readonly upload: number;
  readonly index: number;
  readonly bytes: Uint8Array;
  readonly sha256: string;
}

interface UploadedEncoding {
  readonly chunkIds: bigint[];
  sha256: Uint8Array;
  chunkSha256s: Uint8Array[];
}

/** `bytes` cut into `CHUNK_BYTES` pieces; an empty file is one empty piece. */
export function splitIntoPieces(bytes: Uint8Array): Uint8Array[] {
  if (bytes.length === 0) {
    return [bytes];
  }
  const pieces: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += CHUNK_BYTES) {
    pieces.push(bytes.subarray(start, start + CHUNK_BYTES));
  }
  return pieces;
}

/** Uploads the plan's encodings into a batch and commits it; returns the batch id. */
export async function executeAssetPlan(
  actor: ActorSubclass<AssetsCanister>,
  plan: AssetPlan,
  options: UploadOptions = {},
): Promise<bigint | undefined> {
  if (plan.operations.length === 0) {
    return undefined;
  }
  const { journal } = options;
  if (journal?.batchId !== undefined) {
    try {
      return await uploadAndCommit(actor, plan, journal.batchId, journal.chunkIds, options);
    } catch (error) {
      // The canister dropped the journal's batch (it expired): start over with a new one.
      if (!/batch not found|chunk not found/i.test(String(error))) {
        throw error;
      }
      await journal.clear();
    }
  }
  const { batch_id } = await actor.create_batch({});
  await journal?.started(batch_id);
  return uploadAndCommit(actor, plan, batch_id, new Map(), options);
}

async function uploadAndCommit(
  actor: ActorSubclass<AssetsCanister>,
  plan: AssetPlan,
  batchId: bigint,
  reused: ReadonlyMap<string, bigint>,
  options: UploadOptions,
): Promise<bigint> {
  const { journal } = options;
  let uploaded: UploadedEncoding[];
  try {
    uploaded = await uploadEncodings(actor, batchId, plan, reused, options);
  } catch (error) {
    // Keep what reached the canister for the next run, then report the failure.
    try {
      await journal?.flush();
    } catch (flushError) {
      throw new AggregateError(
        [error, flushError],
        `${error instanceof Error ? error.message : String(error)} (and saving the upload journal failed: ${flushError instanceof Error ? flushError.message : String(flushError)})`,
      );
    }
    throw error;
  }
  const operations = plan.operations.map((operation) =>
    toBatchOperation(operation, plan, uploaded),
  );
  const parts = splitOperations(batchId, operations);
  await journal?.flush();
  // Parts but the last are staged (a Citadel extension); the commit applies them all at once.
  for (const part of parts.slice(0, -1)) {
    await actor.stage_batch_operations({ batch_id: batchId, operations: part });
  }
  await actor.commit_batch({ batch_id: batchId, operations: parts.at(-1) ?? [] });
  await journal?.clear();
  await waitUntilServed(actor, options);
  return batchId;
}

async function uploadEncodings(
  actor: ActorSubclass<AssetsCanister>,
  batchId: bigint,
  plan: AssetPlan,
  reused: ReadonlyMap<string, bigint>,
  options: UploadOptions,
): Promise<UploadedEncoding[]> {
  const results: UploadedEncoding[] = plan.uploads.map(() => ({
    chunkIds: [],
    sha256: new Uint8Array(0),
    chunkSha256s: [],
  }));
  const remainingPieces = plan.uploads.map(() => 0);
  const progress = {
    bytesDone: 0,
    bytesTotal: plan.uploadBytes,
    filesDone: 0,
    filesTotal: plan.uploads.length,
  };
  const report = (): void => options.onProgress?.({ ...progress });
  report();

  // Pieces are produced in plan order and packed into calls; workers take calls as they
  // become free, so memory stays at about `concurrency` calls' worth of bytes.
  let nextUpload = 0;
  const claimed = new Set<bigint>();
  const pending: Piece[] = [];
  let pendingBytes = 0;
  const nextCall = async (): Promise<Piece[] | undefined> => {
    while (
      pendingBytes < MAX_CALL_BYTES / 2 &&
      pending.length < 500 &&
      nextUpload < plan.uploads.length
    ) {
      const index = nextUpload++;
      const upload = plan.uploads[index] as PlannedUpload;
      const bytes = await upload.encoding.read();
      const result = results[index] as UploadedEncoding;
      result.sha256 = sha256(bytes);
      const pieces = splitIntoPieces(bytes);
      remainingPieces[index] = pieces.length;
      result.chunkIds.length = pieces.length;
      result.chunkSha256s = pieces.map((piece) => sha256(piece));
      for (const [pieceIndex, piece] of pieces.entries()) {
        const pieceSha = Buffer.from(result.chunkSha256s[pieceIndex] as Uint8Array).toString('hex');
        const known = reused.get(pieceSha);
        // A chunk is consumed by one SetAssetContent: a second identical piece is sent again.
        if (known !== undefined && !claimed.has(known)) {
          claimed.add(known);
          finishPiece(index, pieceIndex, known, piece.length);
          continue;
        }
        pending.push({ upload: index, index: pieceIndex, bytes: piece, sha256: pieceSha });
        pendingBytes += piece.length;
      }
    }
    return pending.length > 0 ? takeCall() : undefined;
  };
  const takeCall = (): Piece[] => {
    const call: Piece[] = [];
    let bytes = 0;
    while (pending.length > 0) {
      const piece = pending[0] as Piece;
      if (call.length > 0 && bytes + piece.bytes.length > MAX_CALL_BYTES) {
        break;
      }
      call.push(piece);
      bytes += piece.bytes.length;
      pendingBytes -= piece.bytes.length;
      pending.shift();
    }
    return call;
  };
  const finishPiece = (upload: number, index: number, chunkId: bigint, length: number): void => {
    (results[upload] as UploadedEncoding).chunkIds[index] = chunkId;
    progress.bytesDone += length;
    remainingPieces[upload] = (remainingPieces[upload] ?? 1) - 1;
    if (remainingPieces[upload] === 0) {
      progress.filesDone += 1;
    }
    report();
  };

  // One producer at a time: `nextCall` reads files in order.
  let producer: Promise<unknown> = Promise.resolve();
  const takeNext = (): Promise<Piece[] | undefined> => {
    const next = producer.then(nextCall);
    producer = next.catch(() => undefined);
    return next;
  };
  // After one worker fails the others stop taking calls, so the error surfaces promptly.
  let failed = false;
  const worker = async (): Promise<void> => {
    for (let call = await takeNext(); call !== undefined && !failed; call = await takeNext()) {
      const { chunk_ids } = await withRetries(() =>
        actor.create_chunks({ batch_id: batchId, content: call.map((piece) => piece.bytes) }),
      );
      call.forEach((piece, i) => {
        const chunkId = chunk_ids[i];
        if (chunkId === undefined) {
          throw createCliError(
            CliErrorCode.DEPLOY_UPLOAD_FAILED,
            `The asset canister returned ${chunk_ids.length} chunk ids for ${call.length} chunks.`,
          );
        }
        options.journal?.uploaded(piece.sha256, chunkId);
        finishPiece(piece.upload, piece.index, chunkId, piece.bytes.length);
      });
    }
  };
  await Promise.all(
    Array.from({ length: options.concurrency ?? 8 }, () =>
      worker().catch((error: unknown) => {
        failed = true;
        throw error;
      }),
    ),
  );
  return results;
}

/** Retries a call that failed on the way (not one the canister refused), twice. */
async function withRetries<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= 3 || !isTransient(error)) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
    }
  }
}

/** Transport failures and overload answers, worth retrying; canister rejects are not. */
function isTransient(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  return /fetch failed|ECONNRESET|ECONNREFUSED|socket hang up|\b(429|503)\b|timed? ?out/i.test(
    text,
  );
}

function toBatchOperation(
  operation: PlannedOperation,
  plan: AssetPlan,
  uploaded: readonly UploadedEncoding[],
): BatchOperation {
  switch (operation.kind) {
    case 'delete':
      return { DeleteAsset: { key: operation.key } };
    case 'create': {
      const { asset } = operation;
      return {
        CreateAsset: {
          key: asset.key,
          content_type: asset.contentType,
          max_age: asset.maxAge === undefined ? [] : [asset.maxAge],
          headers:
            asset.headers === undefined
              ? []
              : [asset.headers.map(([name, value]): [string, string] => [name, value])],
          enable_aliasing: asset.enableAliasing === undefined ? [] : [asset.enableAliasing],
          allow_raw_access: [asset.allowRawAccess],
        },
      };
    }
    case 'set-content': {
      const upload = plan.uploads[operation.upload];
      const result = uploaded[operation.upload];
      if (upload === undefined || result === undefined) {
        throw new RangeError(`no upload ${operation.upload} in the plan`);
      }
      return {
        SetAssetContent: {
          key: upload.key,
          content_encoding: upload.encoding.name,
          chunk_ids: result.chunkIds,
          last_chunk: [],
          sha256: [result.sha256],
          // Hashes per piece let the canister certify ranges; one piece needs none.
          chunk_sha256s: result.chunkIds.length > 1 ? [result.chunkSha256s] : [],
        },
      };
    }
    case 'unset-content':
      return { UnsetAssetContent: { key: operation.key, content_encoding: operation.encoding } };
    case 'set-properties':
      return { SetAssetProperties: operation.properties };
  }
}
