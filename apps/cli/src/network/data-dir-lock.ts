import { randomBytes } from 'node:crypto';
import { link, mkdir, rm, writeFile } from 'node:fs/promises';
import { isCitadelError } from '@citadel/protocol';
import { CliErrorCode, createCliError, systemErrorCode } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';
import type { DataDirFiles } from './data-dir.js';
import { dataDirFiles } from './data-dir.js';
import type { LockRecord, NetworkInfo } from './network-file.js';
import {
  parseLockRecord,
  parseNetworkInfo,
  readOptionalFile,
  writeNetworkInfo,
} from './network-file.js';
import type { ProcessControl } from './process-control.js';
import { nodeProcessControl } from './process-control.js';

/** Who, if anyone, holds a data directory. */
export type DataDirState =
  /** No network files. */
  | { readonly kind: 'free' }
  /** Files left by a process that is gone (or unreadable files with no live owner). */
  | { readonly kind: 'stale'; readonly pid: number | null }
  /** A live process holds the lock but has not published network.json yet. */
  | { readonly kind: 'starting'; readonly pid: number }
  /** A live process serves the network described by network.json. */
  | { readonly kind: 'running'; readonly info: NetworkInfo };

/** Parses a file, counting one citadel did not write as absent; other errors propagate. */
function parseOrNull<T>(text: string | null, parse: (text: string) => T): T | null {
  if (text === null) {
    return null;
  }
  try {
    return parse(text);
  } catch (error) {
    if (isCitadelError(error, CliErrorCode.NETWORK_FILE_INVALID)) {
      return null;
    }
    throw error;
  }
}

/** Reads the lock and network.json of `dataDir` and checks whether their owner is alive. */
export async function inspectDataDir(
  dataDir: string,
  processes: ProcessControl = nodeProcessControl,
): Promise<DataDirState> {
  const files = dataDirFiles(dataDir);
  const lockText = await readOptionalFile(files.lock);
  const infoText = await readOptionalFile(files.network);
  if (lockText === null && infoText === null) {
    return { kind: 'free' };
  }
  const lock = parseOrNull(lockText, (text) => parseLockRecord(text, files.lock));
  const info = parseOrNull(infoText, (text) => parseNetworkInfo(text, files.network));
  const pid = lock?.pid ?? info?.pid ?? null;
  if (pid === null || !processes.isAlive(pid)) {
    return { kind: 'stale', pid };
  }
  if (info !== null && info.pid === pid) {
    return { kind: 'running', info };
  }
  return { kind: 'starting', pid };
}

/** The error for a data directory that a live process holds. */
export function alreadyRunningError(
  state: Extract<DataDirState, { kind: 'running' | 'starting' }>,
  dataDir: string,
): Error {
  const hint = 'Stop it with `citadel stop`, or pass another --data-dir.';
  if (state.kind === 'running') {
    return createCliError(
      CliErrorCode.NETWORK_ALREADY_RUNNING,
      `A local network is already running at ${state.info.url} (pid ${state.info.pid}, data dir ${dataDir}). ${hint}`,
      { url: state.info.url, pid: state.info.pid, dataDir },
    );
  }
  return createCliError(
    CliErrorCode.NETWORK_ALREADY_RUNNING,
    `A local network is starting in ${dataDir} (pid ${state.pid}). ${hint}`,
    { url: null, pid: state.pid, dataDir },
  );
}

/**
 * Creates `path` with `text` only if it does not exist. The content is written to a private
 * file first and hard-linked into place, so no reader ever sees a half-written lock.
 */
async function createExclusive(path: string, text: string): Promise<boolean> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, text, { flush: true });
  try {
    await link(tmp, path);
    return true;
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === 'EEXIST') {
      return false;
    }
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') {
      throw error;
    }
    // File systems without hard links: an exclusive create is still atomic, just not torn-proof.
    try {
      await writeFile(path, text, { flag: 'wx' });
      return true;
    } catch (fallbackError) {
      if (systemErrorCode(fallbackError) === 'EEXIST') {
        return false;
      }
      throw fallbackError;
    }
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * Removes the network files of `dataDir` if they still belong to `pid` (or to nobody readable
 * when `pid` is null), so a process that just took the directory over keeps its lock.
 */
export async function removeNetworkFiles(dataDir: string, pid: number | null): Promise<void> {
  const files = dataDirFiles(dataDir);
  const lock = parseOrNull(await readOptionalFile(files.lock), (t) =>
    parseLockRecord(t, files.lock),
  );
  if (lock !== null && lock.pid !== pid) {
    return;
  }
  await rm(files.network, { force: true });
  await rm(files.lock, { force: true });
}

/** A data directory this process owns until `release`. */
export interface DataDirLock {
  readonly dataDir: string;
  readonly files: DataDirFiles;
  /** Set when the directory was taken over from a process that had died: its pid, if known. */
  readonly tookOverFrom: { readonly pid: number | null } | null;
  /** Writes network.json, announcing the running network. */
  publish(info: NetworkInfo): Promise<void>;
  /** Removes network.json and the lock. Safe to call more than once. */
  release(): Promise<void>;
}

/** Parameters of `acquireDataDir`. */
export interface AcquireDataDirParams {
  readonly dataDir: string;
  /** @default process.pid */
  readonly pid?: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** @default nodeProcessControl */
  readonly processes?: ProcessControl;
}

/** Attempts before giving up on a directory that other processes keep taking. */
const ACQUIRE_ATTEMPTS = 3;

/**
 * Takes ownership of a data directory: refuses with `CLI_NETWORK_ALREADY_RUNNING` when a live
 * process holds it, takes it over when its holder died without cleaning up.
 */
export async function acquireDataDir(params: AcquireDataDirParams): Promise<DataDirLock> {
  const { dataDir } = params;
  const pid = params.pid ?? process.pid;
  const processes = params.processes ?? nodeProcessControl;
  const files = dataDirFiles(dataDir);
  const record: LockRecord = { pid, startedAt: (params.now?.() ?? new Date()).toISOString() };
  const lockText = `${JSON.stringify(record)}\n`;
  await mkdir(dataDir, { recursive: true });

  let tookOverFrom: { pid: number | null } | null = null;
  for (let attempt = 0; attempt < ACQUIRE_ATTEMPTS; attempt++) {
    const state = await inspectDataDir(dataDir, processes);
    if (state.kind === 'running' || state.kind === 'starting') {
      throw alreadyRunningError(state, dataDir);
    }
    if (state.kind === 'stale') {
      await removeNetworkFiles(dataDir, state.pid);
      tookOverFrom = { pid: state.pid };
    }
    if (await createExclusive(files.lock, lockText)) {
      return createLock(dataDir, files, record, lockText, tookOverFrom);
    }
  }
  const state = await inspectDataDir(dataDir, processes);
  if (state.kind === 'running' || state.kind === 'starting') {
    throw alreadyRunningError(state, dataDir);
  }
  throw createCliError(
    CliErrorCode.NETWORK_ALREADY_RUNNING,
    `Other processes keep taking ${dataDir}; try again, or pass another --data-dir.`,
    { url: null, pid: null, dataDir },
  );
}

function createLock(
  dataDir: string,
  files: DataDirFiles,
  record: LockRecord,
  lockText: string,
  tookOverFrom: { pid: number | null } | null,
): DataDirLock {
  let released = false;
  return {
    dataDir,
    files,
    tookOverFrom,
    async publish(info) {
      // A replica started with `clean` may have emptied the directory; the lock must survive it.
      if ((await readOptionalFile(files.lock)) === null) {
        await writeFileAtomic(files.lock, lockText);
      }
      await writeNetworkInfo(files.network, info);
    },
    async release() {
      if (released) {
        return;
      }
      released = true;
      await removeNetworkFiles(dataDir, record.pid);
    },
  };
}
