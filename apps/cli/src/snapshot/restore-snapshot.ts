import { randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import {
  chmod,
  mkdir,
  mkdtemp,
  open,
  readFile,
  realpath,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { isCitadelError } from '@citadel/protocol';
import { CliErrorCode, createCliError } from '../errors.js';
import type { DataDirLock, DataDirState } from '../network/data-dir-lock.js';
import { acquireDataDir, inspectDataDir } from '../network/data-dir-lock.js';
import type { ProcessControl } from '../network/process-control.js';
import { nodeProcessControl } from '../network/process-control.js';
import { readSnapshotFile, snapshotIoError } from './read-snapshot.js';
import type {
  EntryWriter,
  SnapshotEntry,
  SnapshotLimits,
  SnapshotSummary,
} from './snapshot-format.js';
import { DEFAULT_SNAPSHOT_LIMITS } from './snapshot-format.js';
import { syncDirectory } from './sync-directory.js';

/** Parameters of {@link restoreSnapshot}. */
export interface RestoreSnapshotParams {
  /** The data directory to replace; created if missing. */
  readonly dataDir: string;
  /** The snapshot file to restore. */
  readonly file: string;
  /** @default DEFAULT_SNAPSHOT_LIMITS */
  readonly limits?: SnapshotLimits;
  /** @default nodeProcessControl */
  readonly processes?: ProcessControl;
  /**
   * Called once the whole snapshot has been checked, before anything is written.
   * @internal Tests damage the file here to make the extraction fail half-way.
   */
  readonly afterCheck?: () => void | Promise<void>;
}

/** What {@link restoreSnapshot} restored. */
export interface RestoreSnapshotResult {
  readonly dataDir: string;
  readonly file: string;
  readonly files: number;
  readonly directories: number;
  /** Bytes of all files. */
  readonly bytes: number;
  /** The replaced directory, when it could not be removed afterwards (delete it by hand). */
  readonly leftover: string | null;
}

function networkRunningError(
  state: Extract<DataDirState, { kind: 'running' | 'starting' }>,
  dataDir: string,
  cause?: unknown,
): Error {
  const running =
    state.kind === 'running'
      ? `A local network is running at ${state.info.url} (pid ${state.info.pid})`
      : `A local network is starting (pid ${state.pid})`;
  return createCliError(
    CliErrorCode.SNAPSHOT_NETWORK_RUNNING,
    `${running} on ${dataDir}; stop it with \`citadel stop\` before restoring a snapshot.`,
    {
      dataDir,
      pid: state.kind === 'running' ? state.info.pid : state.pid,
      url: state.kind === 'running' ? state.info.url : null,
    },
    cause === undefined ? undefined : { cause },
  );
}

async function refuseWhileRunning(dataDir: string, processes: ProcessControl): Promise<void> {
  const state = await inspectDataDir(dataDir, processes);
  if (state.kind === 'running' || state.kind === 'starting') {
    throw networkRunningError(state, dataDir);
  }
}

/** Takes the data directory for the restore, so no network starts on it meanwhile. */
async function lockDataDir(dataDir: string, processes: ProcessControl): Promise<DataDirLock> {
  try {
    return await acquireDataDir({ dataDir, processes });
  } catch (error) {
    if (isCitadelError(error, CliErrorCode.NETWORK_ALREADY_RUNNING)) {
      const state = await inspectDataDir(dataDir, processes);
      if (state.kind === 'running' || state.kind === 'starting') {
        throw networkRunningError(state, dataDir, error);
      }
    }
    throw error;
  }
}

/** Runs a file-system step, reporting its failure as `CLI_SNAPSHOT_IO_FAILED`. */
async function step<T>(operation: string, path: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw snapshotIoError(operation, path, error);
  }
}

const deepestFirst = (a: string, b: string): number => b.length - a.length;

/**
 * Writes the snapshot's entries into the empty directory `staging`, checking them again as
 * they are read (the file may have changed since it was checked).
 */
async function extractSnapshot(
  file: string,
  staging: string,
  limits: SnapshotLimits,
): Promise<SnapshotSummary> {
  /** Directories the snapshot lists, with their permissions, applied once all is written. */
  const listed = new Map<string, number>();
  const created = new Set<string>([staging]);
  const onEntry = async (entry: SnapshotEntry): Promise<EntryWriter | undefined> => {
    const segments = entry.path.split('/');
    const path = join(staging, ...segments);
    for (let i = 1; i < segments.length; i++) {
      created.add(join(staging, ...segments.slice(0, i)));
    }
    if (entry.kind === 'directory') {
      await step('create', path, () => mkdir(path, { recursive: true }));
      created.add(path);
      listed.set(path, entry.permissions);
      return undefined;
    }
    await step('create', dirname(path), () => mkdir(dirname(path), { recursive: true }));
    const handle: FileHandle = await step('create', path, () => open(path, 'wx', 0o600));
    return {
      write: (piece) =>
        step('write', path, async () => {
          for (let offset = 0; offset < piece.length;) {
            const { bytesWritten } = await handle.write(piece, offset, piece.length - offset);
            offset += bytesWritten;
          }
        }),
      finish: () =>
        step('write', path, async () => {
          try {
            await handle.sync();
          } finally {
            await handle.close();
          }
          await chmod(path, entry.permissions);
        }),
      abort: () => handle.close(),
    };
  };
  const summary = await readSnapshotFile(file, { limits, onEntry });
  // Permissions last: a read-only directory would refuse the files that go into it.
  for (const [path, permissions] of [...listed].sort(([a], [b]) => deepestFirst(a, b))) {
    await step('set the permissions of', path, () => chmod(path, permissions));
  }
  for (const dir of [...created].sort(deepestFirst)) {
    await step('sync', dir, () => syncDirectory(dir));
  }
  return summary;
}

/**
 * Puts `replacement` where `target` is: `target` is renamed aside, `replacement` renamed in,
 * and the old one removed. If the second rename fails, the old directory is put back and
 * `replacement` removed. Returns the old directory's path when it could not be removed.
 */
async function swapDirectories(target: string, replacement: string): Promise<string | null> {
  const parent = dirname(target);
  const aside = join(parent, `.${basename(target)}.replaced-${randomBytes(4).toString('hex')}`);
  try {
    await rename(target, aside);
  } catch (error) {
    await rm(replacement, { recursive: true, force: true });
    throw snapshotIoError('move aside', target, error);
  }
  try {
    await rename(replacement, target);
  } catch (error) {
    try {
      await rename(aside, target);
    } catch (restoreError) {
      // Both directories are kept: the user decides which one to keep.
      throw createCliError(
        CliErrorCode.SNAPSHOT_IO_FAILED,
        `Could not move the restored directory to ${target}, nor the previous one back: the previous one is at ${aside}, the restored one at ${replacement}.`,
        { operation: 'swap', path: target, aside, replacement },
        { cause: restoreError },
      );
    }
    await rm(replacement, { recursive: true, force: true });
    throw snapshotIoError('move the restored directory to', target, error);
  }
  await step('sync', parent, () => syncDirectory(parent));
  try {
    await rm(aside, { recursive: true, force: true });
    return null;
  } catch {
    return aside;
  }
}

/**
 * Replaces the data directory with the snapshot `file`. The whole snapshot is checked first
 * (format, paths, types, sizes and the SHA-256 of every file) without writing anything; then
 * it is extracted into a sibling directory, which atomically takes the data directory's place.
 * Any failure before that leaves the data directory as it was. Refused while a network runs.
 *
 * @throws CitadelError `CLI_SNAPSHOT_NETWORK_RUNNING`, any error of `readSnapshotFile`
 *   (`CLI_SNAPSHOT_NOT_FOUND`, `…_CORRUPT`, `…_CHECKSUM_MISMATCH`, `…_UNSAFE_ENTRY`, …),
 *   `CLI_SNAPSHOT_IO_FAILED`.
 * @example
 * await restoreSnapshot({ dataDir, file: 'demo.citadel-snapshot' });
 */
export async function restoreSnapshot(
  params: RestoreSnapshotParams,
): Promise<RestoreSnapshotResult> {
  const dataDir = resolve(params.dataDir);
  const file = resolve(params.file);
  const limits = params.limits ?? DEFAULT_SNAPSHOT_LIMITS;
  const processes = params.processes ?? nodeProcessControl;
  await refuseWhileRunning(dataDir, processes);
  await readSnapshotFile(file, { limits });
  await params.afterCheck?.();

  const lock = await lockDataDir(dataDir, processes);
  try {
    const target = await step('open', dataDir, () => realpath(dataDir));
    const targetMode = (await step('open', target, () => stat(target))).mode;
    const staging = await step('create a directory next to', target, () =>
      mkdtemp(join(dirname(target), `.${basename(target)}.restore-`)),
    );
    let summary: SnapshotSummary;
    try {
      summary = await extractSnapshot(file, staging, limits);
      // The lock moves along, so the directory stays taken until the restore is done.
      const lockPath = join(staging, basename(lock.files.lock));
      await step('write', lockPath, async () =>
        writeFile(lockPath, await readFile(lock.files.lock), { flush: true }),
      );
      await step('set the permissions of', staging, () => chmod(staging, targetMode & 0o777));
      await step('sync', staging, () => syncDirectory(staging));
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
    const leftover = await swapDirectories(target, staging);
    return {
      dataDir,
      file,
      files: summary.files,
      directories: summary.directories,
      bytes: summary.bytes,
      leftover,
    };
  } finally {
    await lock.release();
  }
}
