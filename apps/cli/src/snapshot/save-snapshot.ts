import { createHash } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import {
  lstat,
  mkdir,
  open,
  readFile,
  readdir,
  realpath,
  rename,
  rm,
  stat,
} from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { createGzip } from 'node:zlib';
import { isCitadelError } from '@citadel/protocol';
import { CliErrorCode, createCliError, systemErrorCode } from '../errors.js';
import { inspectDataDir } from '../network/data-dir-lock.js';
import type { ProcessControl } from '../network/process-control.js';
import { nodeProcessControl } from '../network/process-control.js';
import { snapshotIoError } from './read-snapshot.js';
import {
  MODE_DIRECTORY,
  MODE_PERMISSIONS,
  MODE_REGULAR_FILE,
  RUNTIME_FILES,
  encodeEntryHeader,
  encodeSnapshotEnd,
  encodeSnapshotHeader,
  entryPathProblem,
} from './snapshot-format.js';
import { syncDirectory } from './sync-directory.js';

/**
 * The two things `save` knows of the replica's layout (infra/replica/src/persistence), both
 * only to copy a running network safely; see "Snapshots" in docs/operations.md.
 *
 * - `checkpoints/CURRENT` is replaced exactly when a checkpoint is committed, and the replica
 *   deletes old checkpoints and round-log segments only after such a commit. A copy during
 *   which it did not change saw no deletion that matters.
 * - `wal/` (the round log) is read after everything else, so it covers every round up to the
 *   copied checkpoint: a round is logged before it runs, and a checkpoint is captured after.
 */
const COMMIT_MARKER = ['checkpoints', 'CURRENT'] as const;
const READ_LAST = 'wal';

/** Leftovers of atomic writes: `*.tmp` (checkpoints, `CURRENT`, the CLI's files) and `keys.json.tmp-<pid>`. */
const TEMPORARY_NAME = /\.tmp(?:-\d+)?$/;
const CHUNK_BYTES = 1024 * 1024;
const EMPTY_SHA256 = new Uint8Array(createHash('sha256').digest());

/** Walks of the data directory before `save` gives up on a network that keeps changing it. */
export const SAVE_ATTEMPTS = 5;

/** Parameters of {@link saveSnapshot}. */
export interface SaveSnapshotParams {
  /** The data directory to capture. */
  readonly dataDir: string;
  /** The snapshot file to write; replaced if it exists. */
  readonly file: string;
  /** @default SAVE_ATTEMPTS */
  readonly attempts?: number;
  /** Pause before the n-th retry: n times this. @default 100 */
  readonly retryDelayMs?: number;
  /** @default timers/promises setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default nodeProcessControl */
  readonly processes?: ProcessControl;
  /**
   * Called before each file is opened, with its relative path.
   * @internal Tests change the directory here, as a running network would.
   */
  readonly beforeRead?: (path: string) => void | Promise<void>;
}

/** What {@link saveSnapshot} wrote. */
export interface SaveSnapshotResult {
  /** Absolute path of the snapshot. */
  readonly file: string;
  readonly dataDir: string;
  readonly files: number;
  readonly directories: number;
  /** Bytes of all files, uncompressed. */
  readonly bytes: number;
  /** Size of the snapshot file. */
  readonly archiveBytes: number;
  /** Whether a network was running (or starting) on the data directory. */
  readonly live: boolean;
  /** Walks it took; more than 1 when the running network changed the directory meanwhile. */
  readonly attempts: number;
}

/**
 * The running network changed the directory during a walk (a file vanished, changed in
 * place, or a checkpoint was committed): the walk starts over. Never leaves this module.
 */
class DirectoryChanged extends Error {
  override readonly name = 'DirectoryChanged';
}

interface WalkEntry {
  /** Relative POSIX path. */
  readonly path: string;
  readonly absolute: string;
  readonly kind: 'file' | 'directory';
}

interface Totals {
  files: number;
  directories: number;
  bytes: number;
}

function unsupportedFile(path: string, what: string): Error {
  return createCliError(
    CliErrorCode.SNAPSHOT_UNSUPPORTED_FILE,
    `${path} is ${what}; a snapshot holds only regular files and directories. Move it out of the data directory.`,
    { path, what },
  );
}

function isWithin(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !/^\.\.[\\/]/.test(rel));
}

/** The data directory with symbolic links resolved; fails when it is missing. */
async function resolveRoot(dataDir: string): Promise<string> {
  try {
    const root = await realpath(dataDir);
    if ((await stat(root)).isDirectory()) {
      return root;
    }
  } catch (error) {
    const code = systemErrorCode(error);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') {
      throw snapshotIoError('open', dataDir, error);
    }
  }
  throw createCliError(
    CliErrorCode.SNAPSHOT_DATA_DIR_MISSING,
    `There is no data directory at ${dataDir}; pass the one to save with --data-dir.`,
    { dataDir },
  );
}

async function assertOutside(file: string, dataDir: string, root: string): Promise<void> {
  let inside = isWithin(file, dataDir) || isWithin(file, root);
  if (!inside) {
    const parent = await realpath(dirname(file)).catch(() => null);
    inside = parent !== null && isWithin(join(parent, basename(file)), root);
  }
  if (inside) {
    throw createCliError(
      CliErrorCode.SNAPSHOT_FILE_IN_DATA_DIR,
      `${file} is inside the data directory ${dataDir}, which restoring replaces; save the snapshot elsewhere.`,
      { file, dataDir },
    );
  }
}

/** `*.tmp` files and the CLI's runtime files are not part of the network's state. */
function isSkipped(path: string, name: string): boolean {
  return TEMPORARY_NAME.test(name) || (path === name && RUNTIME_FILES.has(name));
}

/** Lists the data directory, parents before children, the round log last. */
async function listTree(root: string): Promise<WalkEntry[]> {
  const entries: WalkEntry[] = [];
  const visit = async (dir: string, prefix: string): Promise<void> => {
    let names;
    try {
      names = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      const code = systemErrorCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        throw new DirectoryChanged(`${dir} vanished while it was listed`);
      }
      throw snapshotIoError('list', dir, error);
    }
    for (const dirent of names) {
      const path = prefix === '' ? dirent.name : `${prefix}/${dirent.name}`;
      if (isSkipped(path, dirent.name)) {
        continue;
      }
      const absolute = join(dir, dirent.name);
      const problem = entryPathProblem(path);
      if (problem !== undefined) {
        throw unsupportedFile(absolute, `a file whose name cannot be restored (${problem})`);
      }
      if (dirent.isDirectory()) {
        entries.push({ path, absolute, kind: 'directory' });
        await visit(absolute, path);
      } else if (dirent.isFile()) {
        entries.push({ path, absolute, kind: 'file' });
      } else {
        throw unsupportedFile(
          absolute,
          dirent.isSymbolicLink() ? 'a symbolic link' : 'a special file (socket, FIFO or device)',
        );
      }
    }
  };
  await visit(root, '');
  const rank = (path: string): number =>
    path === READ_LAST || path.startsWith(`${READ_LAST}/`) ? 1 : 0;
  return entries.sort(
    (a, b) => rank(a.path) - rank(b.path) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
}

/** `checkpoints/CURRENT` as it is now, or null when there is none. */
async function readCommitMarker(root: string): Promise<string | null> {
  const path = join(root, ...COMMIT_MARKER);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return null;
    }
    throw snapshotIoError('read', path, error);
  }
}

async function directoryHeader(entry: WalkEntry): Promise<Uint8Array> {
  let mode: number;
  try {
    mode = (await lstat(entry.absolute)).mode;
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') {
      throw new DirectoryChanged(`${entry.path} vanished`);
    }
    throw snapshotIoError('read', entry.absolute, error);
  }
  return encodeEntryHeader({
    path: entry.path,
    mode: MODE_DIRECTORY | (mode & MODE_PERMISSIONS),
    sizeBytes: 0,
    sha256: EMPTY_SHA256,
  });
}

async function openForSnapshot(entry: WalkEntry): Promise<FileHandle> {
  try {
    // O_NOFOLLOW: a symbolic link swapped in after the listing is refused, not followed.
    return await open(entry.absolute, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === 'ENOENT') {
      throw new DirectoryChanged(`${entry.path} vanished`);
    }
    if (code === 'ELOOP') {
      throw unsupportedFile(entry.absolute, 'a symbolic link');
    }
    throw snapshotIoError('open', entry.absolute, error);
  }
}

async function readAt(
  handle: FileHandle,
  entry: WalkEntry,
  buffer: Uint8Array,
  position: number,
): Promise<number> {
  try {
    return (await handle.read(buffer, 0, buffer.length, position)).bytesRead;
  } catch (error) {
    throw snapshotIoError('read', entry.absolute, error);
  }
}

/** One file's header and bytes. Reads it twice: for its size and SHA-256, then to copy it. */
async function* fileChunks(entry: WalkEntry, totals: Totals): AsyncGenerator<Uint8Array> {
  const handle = await openForSnapshot(entry);
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw unsupportedFile(entry.absolute, 'not a regular file');
    }
    const first = createHash('sha256');
    const scratch = new Uint8Array(CHUNK_BYTES);
    let size = 0;
    for (;;) {
      const read = await readAt(handle, entry, scratch, size);
      if (read === 0) {
        break;
      }
      first.update(scratch.subarray(0, read));
      size += read;
    }
    const sha256 = new Uint8Array(first.digest());
    yield encodeEntryHeader({
      path: entry.path,
      mode: MODE_REGULAR_FILE | (info.mode & MODE_PERMISSIONS),
      sizeBytes: size,
      sha256,
    });
    // The replica only ever appends to a file it has open (the round log's segment) and
    // replaces the others by rename, which leaves this handle on the old file. The first
    // `size` bytes therefore read the same again; if not, the file was rewritten in place.
    const second = createHash('sha256');
    for (let at = 0; at < size;) {
      const piece = new Uint8Array(Math.min(CHUNK_BYTES, size - at));
      const read = await readAt(handle, entry, piece, at);
      if (read === 0) {
        throw new DirectoryChanged(`${entry.path} shrank while it was read`);
      }
      second.update(piece.subarray(0, read));
      at += read;
      yield piece.subarray(0, read);
    }
    if (!second.digest().equals(sha256)) {
      throw new DirectoryChanged(`${entry.path} changed while it was read`);
    }
    totals.files += 1;
    totals.bytes += size;
  } finally {
    await handle.close();
  }
}

async function* archiveChunks(
  entries: readonly WalkEntry[],
  totals: Totals,
  beforeRead: SaveSnapshotParams['beforeRead'],
): AsyncGenerator<Uint8Array> {
  yield encodeSnapshotHeader();
  for (const entry of entries) {
    if (entry.kind === 'directory') {
      yield await directoryHeader(entry);
      totals.directories += 1;
      continue;
    }
    await beforeRead?.(entry.path);
    yield* fileChunks(entry, totals);
  }
  yield encodeSnapshotEnd(totals.files + totals.directories, totals.bytes);
}

/** One walk: writes the whole snapshot to `tmp`, or throws DirectoryChanged. */
async function writeArchive(
  root: string,
  tmp: string,
  beforeRead: SaveSnapshotParams['beforeRead'],
): Promise<Totals> {
  const marker = await readCommitMarker(root);
  const entries = await listTree(root);
  const totals: Totals = { files: 0, directories: 0, bytes: 0 };
  try {
    await pipeline(
      archiveChunks(entries, totals, beforeRead),
      createGzip(),
      createWriteStream(tmp),
    );
  } catch (error) {
    if (error instanceof DirectoryChanged || isCitadelError(error)) {
      throw error;
    }
    throw snapshotIoError('write', tmp, error);
  }
  if ((await readCommitMarker(root)) !== marker) {
    throw new DirectoryChanged('the network committed a checkpoint during the copy');
  }
  return totals;
}

/** Makes `tmp` durable and renames it to `file`; returns the size of the snapshot. */
async function commitArchive(tmp: string, file: string): Promise<number> {
  try {
    const handle = await open(tmp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
    await syncDirectory(dirname(file));
    return (await stat(file)).size;
  } catch (error) {
    throw snapshotIoError('write', file, error);
  }
}

/**
 * Saves the data directory into the snapshot `file`, whether or not a network runs on it.
 * Every file and directory is copied except the CLI's runtime files (network.json,
 * network.lock, network.log) and temporary `*.tmp` files. When the running network deletes
 * or rewrites a file mid-walk, or commits a checkpoint, the walk starts over.
 *
 * @throws CitadelError `CLI_SNAPSHOT_DATA_DIR_MISSING`, `CLI_SNAPSHOT_FILE_IN_DATA_DIR`,
 *   `CLI_SNAPSHOT_UNSUPPORTED_FILE`, `CLI_SNAPSHOT_UNSTABLE` (after `attempts` walks),
 *   `CLI_SNAPSHOT_IO_FAILED`.
 * @example
 * const saved = await saveSnapshot({ dataDir, file: 'demo.citadel-snapshot' });
 * console.log(`${saved.files} files, ${saved.archiveBytes} bytes`);
 */
export async function saveSnapshot(params: SaveSnapshotParams): Promise<SaveSnapshotResult> {
  const dataDir = resolve(params.dataDir);
  const file = resolve(params.file);
  const attempts = params.attempts ?? SAVE_ATTEMPTS;
  const retryDelayMs = params.retryDelayMs ?? 100;
  const sleep = params.sleep ?? ((ms: number) => delay(ms));
  const root = await resolveRoot(dataDir);
  await assertOutside(file, dataDir, root);
  const state = await inspectDataDir(dataDir, params.processes ?? nodeProcessControl);
  const live = state.kind === 'running' || state.kind === 'starting';
  try {
    await mkdir(dirname(file), { recursive: true });
  } catch (error) {
    throw snapshotIoError('create the directory of', file, error);
  }

  const tmp = `${file}.tmp`;
  let lastChange = '';
  try {
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const totals = await writeArchive(root, tmp, params.beforeRead);
        const archiveBytes = await commitArchive(tmp, file);
        return { file, dataDir, ...totals, archiveBytes, live, attempts: attempt };
      } catch (error) {
        if (!(error instanceof DirectoryChanged)) {
          throw error;
        }
        lastChange = error.message;
      }
      if (attempt < attempts) {
        await sleep(retryDelayMs * attempt);
      }
    }
  } finally {
    await rm(tmp, { force: true });
  }
  throw createCliError(
    CliErrorCode.SNAPSHOT_UNSTABLE,
    `The network kept changing ${dataDir} during ${attempts} attempts to copy it (last: ${lastChange}). Stop it with \`citadel stop\` and save again.`,
    { dataDir, attempts, lastChange },
  );
}
