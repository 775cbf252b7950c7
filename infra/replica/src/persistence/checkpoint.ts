import { Buffer } from 'node:buffer';
import { webcrypto } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CitadelError } from '@citadel/protocol';
import { isCitadelError, principalToText } from '@citadel/protocol';
import { prepareModule } from '../execution/index.js';
import { dormantInstanceThread } from '../runtime/index.js';
import type { PreparedModule } from '../execution/index.js';
import type { CanisterRecord, InstalledCode } from '../state/canister.js';
import { CanisterTable } from '../state/canister-table.js';
import type { IngressRecord } from '../state/ingress-history.js';
import type { CanisterImage, CheckpointImage } from './checkpoint-image.js';
import type {
  BlobRef,
  CanisterEntry,
  CheckpointManifest,
  CodeEntry,
  SparseBlobRef,
} from './checkpoint-manifest.js';
import {
  INGRESS_FILE,
  MANIFEST_FILE,
  blobFile,
  chunkFile,
  decodeManifest,
  encodeManifest,
  toHex,
} from './checkpoint-manifest.js';
import { replaceFileAtomically, syncDirectory, writeFileDurably } from './durable-fs.js';
import {
  DataDirErrorCode,
  createCheckpointIoError,
  createCorruptCheckpointError,
} from './errors.js';
import { decodeIngressHistory, encodeIngressHistory } from './ingress-image.js';
import type { SparsePages } from './sparse-pages.js';
import { sparseLayoutProblem } from './sparse-pages.js';

export { captureCheckpoint } from './checkpoint-image.js';
export type {
  CanisterImage,
  CaptureCheckpointParams,
  CheckpointImage,
  CodeImage,
  GlobalImage,
} from './checkpoint-image.js';

/** Folder of the data directory that holds the checkpoints. */
export const CHECKPOINTS_DIR = 'checkpoints';
/** The pointer file naming the committed checkpoint; replacing it is the commit. */
export const CURRENT_FILE = 'CURRENT';
/** `sha256sum`-style checksum of the manifest, written beside it. */
const MANIFEST_CHECKSUM_FILE = 'manifest.sha256';
/** Checkpoint directories are zero-padded sequence numbers, so names sort like numbers. */
const SEQUENCE_DIGITS = 10;
const COMMITTED_NAME = /^\d{10}$/;
const UNFINISHED_NAME = /^\d{10}\.tmp$/;
const CURRENT_VERSION = 1;
/** Canisters restored at once when loading a checkpoint. */
const LOAD_CONCURRENCY = 4;

/** Options of {@link loadCheckpoint}. */
export interface LoadCheckpointOptions {
  /** Receives a line when a damaged checkpoint is skipped in favour of an older one. */
  readonly log?: (line: string) => void;
}

/** What `CURRENT` says: the committed checkpoint and the id counter at that moment. */
interface CurrentPointer {
  readonly name: string;
  readonly nextIndex: bigint;
}

/** Writes of one data directory, chained so that two never pick the same sequence number. */
const writeQueues = new Map<string, Promise<void>>();

/**
 * Writes `image` as the data directory's new checkpoint, crash-safely: the blobs and manifest
 * go into `checkpoints/<seq>.tmp`, every file and directory is fsynced, the directory is
 * renamed to `<seq>`, and only then `checkpoints/CURRENT` is replaced atomically to point at
 * it. A crash at any step leaves the previous checkpoint the committed one. Afterwards all
 * checkpoints but the new one and the previously committed one (kept as a fallback) are
 * deleted. Concurrent calls for one directory run one after the other.
 *
 * @throws CitadelError `REPLICA_DATA_DIR_CHECKPOINT_IO_FAILED` when the file system refuses.
 * @example
 * const image = captureCheckpoint({ canisters: network.canisters, timeNs });
 * await writeCheckpoint(dataDir, image);
 */
export function writeCheckpoint(dataDir: string, image: CheckpointImage): Promise<void> {
  const key = resolve(dataDir);
  const run = (): Promise<void> => writeNow(key, image);
  // The previous write's failure was already reported to its own caller; this one runs anyway.
  const next = (writeQueues.get(key) ?? Promise.resolve()).then(run, run);
  writeQueues.set(key, next);
  const forget = (): void => {
    if (writeQueues.get(key) === next) {
      writeQueues.delete(key);
    }
  };
  void next.then(forget, forget);
  return next;
}

async function writeNow(dataDir: string, image: CheckpointImage): Promise<void> {
  const root = join(dataDir, CHECKPOINTS_DIR);
  let target = root;
  try {
    await mkdir(root, { recursive: true });
    const names = await readdir(root);
    const previous = await readCurrentForWrite(root);
    for (const name of names.filter((n) => UNFINISHED_NAME.test(n))) {
      // Left by a write that crashed before its rename; CURRENT never points at it.
      await rm(join(root, name), { recursive: true, force: true });
    }
    const name = sequenceName(nextSequence(names));
    const tmp = join(root, `${name}.tmp`);
    target = tmp;
    await mkdir(tmp);
    const canisters: CanisterEntry[] = [];
    for (const canister of image.canisters) {
      canisters.push(await writeCanister(tmp, canister));
    }
    const ingress = await writeBlob(tmp, INGRESS_FILE, encodeIngressHistory(image.ingress));
    const manifest: CheckpointManifest = {
      timeNs: image.timeNs,
      height: image.height,
      ingress,
      nextIndex: image.nextIndex,
      retired: image.retired,
      canisters,
    };
    const manifestBytes = new TextEncoder().encode(encodeManifest(manifest));
    await writeFileDurably(join(tmp, MANIFEST_FILE), [manifestBytes]);
    const checksum = `${await sha256Hex(manifestBytes)}  ${MANIFEST_FILE}\n`;
    await writeFileDurably(join(tmp, MANIFEST_CHECKSUM_FILE), [new TextEncoder().encode(checksum)]);
    await syncDirectory(tmp);
    target = join(root, name);
    await rename(tmp, target);
    await syncDirectory(root);
    await replaceFileAtomically(
      join(root, CURRENT_FILE),
      new TextEncoder().encode(encodeCurrent({ name, nextIndex: image.nextIndex })),
    );
    // Keep the checkpoint committed before this one, so a damaged new one has a fallback.
    const keep =
      previous?.name ??
      names
        .filter((n) => COMMITTED_NAME.test(n))
        .sort()
        .at(-1);
    for (const old of names.filter((n) => COMMITTED_NAME.test(n) && n !== keep)) {
      await rm(join(root, old), { recursive: true, force: true });
    }
  } catch (error) {
    // A half-written `<seq>.tmp` stays behind; the loader ignores it and the next write removes it.
    throw isCitadelError(error)
      ? error
      : createCheckpointIoError('write checkpoint', target, error);
  }
}

async function writeCanister(dir: string, canister: CanisterImage): Promise<CanisterEntry> {
  const idHex = toHex(canister.id);
  const canisterDir = join(dir, idHex);
  await mkdir(canisterDir);
  if (canister.chunks.length > 0) {
    await mkdir(join(canisterDir, 'chunks'));
  }
  const chunks = Promise.all(
    canister.chunks.map(async ([hash, bytes]) => ({
      hash,
      blob: await writeBlob(dir, chunkFile(idHex, hash), bytes),
    })),
  );
  let code: Promise<CodeEntry> | null = null;
  if (canister.code !== null) {
    const { moduleBytes, globals, heap, stable } = canister.code;
    code = Promise.all([
      writeBlob(dir, blobFile(idHex, 'module'), moduleBytes),
      writeSparseBlob(dir, blobFile(idHex, 'heap'), heap),
      writeSparseBlob(dir, blobFile(idHex, 'stable'), stable),
    ]).then(([module, heapRef, stableRef]) => ({
      module,
      globals,
      heap: heapRef,
      stable: stableRef,
    }));
  }
  const entry: CanisterEntry = { ...canister, chunks: await chunks, code: await code };
  if (canister.chunks.length > 0) {
    await syncDirectory(join(canisterDir, 'chunks'));
  }
  await syncDirectory(canisterDir);
  return entry;
}

async function writeBlob(dir: string, file: string, data: Uint8Array): Promise<BlobRef> {
  const [sha256] = await Promise.all([sha256Hex(data), writeFileDurably(join(dir, file), [data])]);
  return { file, sizeBytes: data.length, sha256 };
}

async function writeSparseBlob(
  dir: string,
  file: string,
  pages: SparsePages,
): Promise<SparseBlobRef> {
  const blob = await writeBlob(dir, file, pages.data);
  return { ...blob, memoryBytes: pages.sizeBytes, pageRuns: pages.runs };
}

/** A checkpoint as loaded: the state and where the round log continues. */
export interface LoadedCheckpoint {
  readonly canisters: CanisterTable;
  readonly timeNs: bigint;
  /** Last executed round the state contains; replay the round log after it. */
  readonly height: bigint;
  readonly ingress: readonly IngressRecord[];
  /**
   * The id counter `CURRENT` recorded. It is ahead of `canisters.nextIndex` only when an older
   * checkpoint had to be loaded; if the round log cannot replay what came after it, ids below
   * this must stay unused (`CanisterTable.reserveBelow`).
   */
  readonly committedNextIndex: bigint;
}

/**
 * Loads the committed checkpoint of `dataDir` into a fresh {@link CanisterTable}: every
 * canister with its module, memories and metadata, the id counter and the retired ids.
 * Returns `null` when the data directory has no checkpoint. Checkpoints that were written
 * but never committed (a crash before `CURRENT` moved) are ignored. When the committed
 * checkpoint is damaged and an older one is intact, that one is loaded and `log` says so;
 * the id counter still starts where `CURRENT` says, so ids of canisters lost that way are
 * not handed out again.
 *
 * @throws CitadelError `REPLICA_DATA_DIR_CORRUPT_CHECKPOINT` (details.path names the file)
 *   when no intact checkpoint is left, `REPLICA_DATA_DIR_UNSUPPORTED_CHECKPOINT` for a format
 *   from a newer Citadel, `REPLICA_DATA_DIR_CHECKPOINT_IO_FAILED` when the folder is unreadable.
 */
export async function loadCheckpoint(
  dataDir: string,
  options: LoadCheckpointOptions = {},
): Promise<CanisterTable | null> {
  const loaded = await loadCheckpointState(dataDir, options);
  loaded?.canisters.reserveBelow(loaded.committedNextIndex);
  return loaded?.canisters ?? null;
}

/**
 * Like {@link loadCheckpoint}, with everything the network needs to resume: the height and
 * time of the checkpoint and the ingress history. The id counter is the checkpoint's own, so
 * replaying the round log hands out the same ids again.
 */
export async function loadCheckpointState(
  dataDir: string,
  options: LoadCheckpointOptions = {},
): Promise<LoadedCheckpoint | null> {
  const log = options.log ?? (() => {});
  const root = join(dataDir, CHECKPOINTS_DIR);
  let names: string[];
  try {
    names = await readdir(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return null;
    }
    throw createCheckpointIoError('list', root, error);
  }
  const committed = names
    .filter((n) => COMMITTED_NAME.test(n))
    .sort()
    .reverse();
  let current: CurrentPointer | null = null;
  try {
    current = await readCurrent(root);
  } catch (error) {
    if (!isCitadelError(error, DataDirErrorCode.CORRUPT_CHECKPOINT) || committed.length === 0) {
      throw error;
    }
    log(`${damage(error)}; loading the newest complete checkpoint instead.`);
  }
  const pointed = current?.name;
  // Directories newer than CURRENT were never committed (a crash before CURRENT moved).
  const candidates =
    pointed === undefined ? committed : [pointed, ...committed.filter((n) => n < pointed)];
  let firstFailure: CitadelError | undefined;
  for (const [i, name] of candidates.entries()) {
    try {
      const loaded = await loadDirectory(join(root, name), log);
      const committedNextIndex =
        current !== null && current.nextIndex > loaded.nextIndex
          ? current.nextIndex
          : loaded.nextIndex;
      if (firstFailure !== undefined) {
        log(`Loaded the older checkpoint ${name}; the round log has to cover what came after it.`);
      }
      const table = new CanisterTable(loaded.nextIndex);
      for (const record of loaded.records) {
        table.restore(record);
      }
      for (const idHex of loaded.retired) {
        table.retire(idHex);
      }
      return {
        canisters: table,
        timeNs: loaded.timeNs,
        height: loaded.height,
        ingress: loaded.ingress,
        committedNextIndex,
      };
    } catch (error) {
      if (!isCitadelError(error, DataDirErrorCode.CORRUPT_CHECKPOINT)) {
        throw error;
      }
      firstFailure ??= error;
      const older = candidates[i + 1];
      if (older !== undefined) {
        log(`${damage(error)}; falling back to the older checkpoint ${older}.`);
      }
    }
  }
  if (firstFailure !== undefined) {
    throw firstFailure;
  }
  return null;
}

/** Deletes every checkpoint of `dataDir` (`citadel start --clean`). */
export async function removeCheckpoints(dataDir: string): Promise<void> {
  const root = join(dataDir, CHECKPOINTS_DIR);
  try {
    await rm(root, { recursive: true, force: true });
  } catch (error) {
    throw createCheckpointIoError('remove', root, error);
  }
}

interface LoadedDirectory {
  readonly timeNs: bigint;
  readonly height: bigint;
  readonly ingress: readonly IngressRecord[];
  readonly nextIndex: bigint;
  readonly retired: readonly string[];
  readonly records: readonly CanisterRecord[];
}

async function loadDirectory(dir: string, log: (line: string) => void): Promise<LoadedDirectory> {
  const manifestPath = join(dir, MANIFEST_FILE);
  const manifestBytes = await readCheckpointFile(manifestPath);
  const checksumPath = join(dir, MANIFEST_CHECKSUM_FILE);
  const checksum = Buffer.from(await readCheckpointFile(checksumPath)).toString('utf8');
  const expected = /^([0-9a-f]{64}) {2}manifest\.json\n?$/.exec(checksum)?.[1];
  if (expected === undefined) {
    throw createCorruptCheckpointError(checksumPath, 'it is not a SHA-256 line for manifest.json');
  }
  if ((await sha256Hex(manifestBytes)) !== expected) {
    throw createCorruptCheckpointError(manifestPath, 'its SHA-256 does not match manifest.sha256');
  }
  const manifest = decodeManifest(Buffer.from(manifestBytes).toString('utf8'), manifestPath);
  const seen = new Set<string>();
  for (const entry of manifest.canisters) {
    const idHex = toHex(entry.id);
    if (seen.has(idHex)) {
      throw createCorruptCheckpointError(manifestPath, `canister ${idHex} is listed twice`);
    }
    seen.add(idHex);
  }
  // Networks often run one module in many canisters (asset canisters): compile it once.
  const modules: ModuleCache = new Map();
  // A few canisters at a time, so reading one canister's files overlaps rebuilding another.
  const records: CanisterRecord[] = [];
  for (let i = 0; i < manifest.canisters.length; i += LOAD_CONCURRENCY) {
    const batch = manifest.canisters.slice(i, i + LOAD_CONCURRENCY);
    records.push(
      ...(await Promise.all(batch.map((entry) => restoreCanister(dir, entry, modules, log)))),
    );
  }
  const ingress =
    manifest.ingress === null
      ? []
      : decodeIngressHistory(await readBlob(dir, manifest.ingress), join(dir, INGRESS_FILE));
  return {
    timeNs: manifest.timeNs,
    height: manifest.height,
    ingress,
    nextIndex: manifest.nextIndex,
    retired: manifest.retired,
    records,
  };
}

/** Prepared modules of one load, by the SHA-256 of their bytes (checked when read). */
type ModuleCache = Map<string, Promise<PreparedModule>>;

async function restoreCanister(
  dir: string,
  entry: CanisterEntry,
  modules: ModuleCache,
  log: (line: string) => void,
): Promise<CanisterRecord> {
  const idText = principalToText(entry.id);
  const chunkStore = new Map<string, Uint8Array>();
  for (const { hash, blob } of entry.chunks) {
    chunkStore.set(hash, await readBlob(dir, blob));
  }
  return {
    id: entry.id,
    idText,
    controllers: [...entry.controllers],
    status: entry.status,
    cyclesBalance: entry.cyclesBalance,
    version: entry.version,
    certifiedData: entry.certifiedData,
    globalTimerNs: entry.globalTimerNs,
    code: entry.code === null ? null : await restoreCode(dir, entry, entry.code, modules, log),
    chunkStore,
    settings: entry.settings,
    createdAtNs: entry.createdAtNs,
    lastInstallNs: entry.lastInstallNs,
    // Calls in flight are not part of a checkpoint; after a restart none is open.
    openCallContexts: 0,
  };
}

async function restoreCode(
  dir: string,
  entry: CanisterEntry,
  code: CodeEntry,
  modules: ModuleCache,
  log: (line: string) => void,
): Promise<InstalledCode> {
  const moduleBytes = await readBlob(dir, code.module);
  const heap = await readSparsePages(dir, code.heap);
  const stable = await readSparsePages(dir, code.stable);
  const idText = principalToText(entry.id);
  try {
    // The original bytes, not `PreparedModule.wasmBytes`: the module hash is their SHA-256.
    let preparing = modules.get(code.module.sha256);
    if (preparing === undefined) {
      preparing = prepareModule(moduleBytes);
      modules.set(code.module.sha256, preparing);
    }
    const prepared = await preparing;
    const instance = dormantInstanceThread(prepared, {
      canister: idText,
      snapshot: { heap, globals: code.globals.map((g) => g.value), stable },
      controllers: entry.controllers,
      debugPrint: (text) => log(`[canister ${idText}] ${text}`),
    });
    return { prepared, moduleBytes, instance };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw createCorruptCheckpointError(
      join(dir, code.module.file),
      `canister ${idText} cannot be rebuilt from it (${reason})`,
      error,
    );
  }
}

async function readSparsePages(dir: string, ref: SparseBlobRef): Promise<SparsePages> {
  const data = await readBlob(dir, ref);
  const problem = sparseLayoutProblem(ref.memoryBytes, ref.pageRuns, data.length);
  if (problem !== undefined) {
    throw createCorruptCheckpointError(join(dir, ref.file), problem);
  }
  return { sizeBytes: ref.memoryBytes, runs: ref.pageRuns, data };
}

async function readBlob(dir: string, ref: BlobRef): Promise<Uint8Array> {
  const path = join(dir, ref.file);
  const data = await readCheckpointFile(path);
  if (data.length !== ref.sizeBytes) {
    throw createCorruptCheckpointError(
      path,
      `it holds ${data.length} bytes, the manifest says ${ref.sizeBytes}`,
    );
  }
  if ((await sha256Hex(data)) !== ref.sha256) {
    throw createCorruptCheckpointError(path, 'its SHA-256 does not match the manifest');
  }
  return data;
}

async function readCheckpointFile(path: string): Promise<Uint8Array> {
  try {
    const buffer = await readFile(path);
    // A plain Uint8Array over the same memory: records hold Uint8Array, not Buffer.
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code;
    const reason = errno === 'ENOENT' ? 'it is missing' : `it cannot be read (${String(errno)})`;
    throw createCorruptCheckpointError(path, reason, error);
  }
}

/** `CURRENT`, or `null` when there is none; a damaged one is a corrupt-checkpoint error. */
async function readCurrent(root: string): Promise<CurrentPointer | null> {
  const path = join(root, CURRENT_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return null;
    }
    throw createCheckpointIoError('read', path, error);
  }
  const match = /^\{"version":(\d+),"checkpoint":"(\d{10})","nextCanisterIndex":"(\d+)"\}\n$/.exec(
    text,
  );
  if (match === null || Number(match[1]) !== CURRENT_VERSION) {
    throw createCorruptCheckpointError(path, 'it is not a checkpoint pointer');
  }
  return { name: match[2] as string, nextIndex: BigInt(match[3] as string) };
}

/** Like {@link readCurrent}, but a damaged pointer only means the next write replaces it. */
async function readCurrentForWrite(root: string): Promise<CurrentPointer | null> {
  try {
    return await readCurrent(root);
  } catch (error) {
    if (isCitadelError(error, DataDirErrorCode.CORRUPT_CHECKPOINT)) {
      return null;
    }
    throw error;
  }
}

/** A log line's worth of a corrupt-checkpoint error: the file and what is wrong with it. */
function damage(error: CitadelError): string {
  return `Checkpoint file ${String(error.details.path)} is damaged (${String(error.details.reason)})`;
}

function encodeCurrent(pointer: CurrentPointer): string {
  return `${JSON.stringify({
    version: CURRENT_VERSION,
    checkpoint: pointer.name,
    nextCanisterIndex: pointer.nextIndex.toString(),
  })}\n`;
}

function nextSequence(names: readonly string[]): number {
  let max = 0;
  for (const name of names) {
    if (COMMITTED_NAME.test(name) || UNFINISHED_NAME.test(name)) {
      max = Math.max(max, Number.parseInt(name.slice(0, SEQUENCE_DIGITS), 10));
    }
  }
  return max + 1;
}

function sequenceName(sequence: number): string {
  return String(sequence).padStart(SEQUENCE_DIGITS, '0');
}

/** Hex SHA-256 via WebCrypto, which hashes on the libuv thread pool instead of the event loop. */
async function sha256Hex(data: Uint8Array): Promise<string> {
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', data)).toString('hex');
}
