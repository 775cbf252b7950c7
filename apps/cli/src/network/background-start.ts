import { spawn } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { isCitadelError } from '@citadel/protocol';
import { CliErrorCode, createCliError, systemErrorCode } from '../errors.js';
import { alreadyRunningError, inspectDataDir } from './data-dir-lock.js';
import { dataDirFiles } from './data-dir.js';
import { fileSize, readLogTail } from './log-tail.js';
import type { NetworkInfo } from './network-file.js';
import { readNetworkInfo } from './network-file.js';
import type { ProcessControl } from './process-control.js';
import { nodeProcessControl } from './process-control.js';

/** How a child process ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A process started in its own session, outliving this one. */
export interface DetachedChild {
  readonly pid: number;
  /** Settles when the child exits (never, if it outlives this process). */
  readonly exited: Promise<ChildExit>;
}

/** Parameters of a `SpawnDetached`. */
export interface SpawnDetachedParams {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** stdout and stderr are appended to this file. */
  readonly logPath: string;
}

/** Starts a detached process; injected so unit tests never spawn. */
export type SpawnDetached = (params: SpawnDetachedParams) => Promise<DetachedChild>;

/** `SpawnDetached` over node:child_process: own session, output to the log, not waited for. */
export const spawnDetachedNode: SpawnDetached = async ({ command, args, cwd, logPath }) => {
  const log = await open(logPath, 'a');
  try {
    const child = spawn(command, args, {
      cwd,
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    const exited = new Promise<ChildExit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    // Without this the parent would wait for the child before exiting.
    child.unref();
    if (child.pid === undefined) {
      throw new Error(`${command} started without a process id`);
    }
    return { pid: child.pid, exited };
  } finally {
    await log.close();
  }
};

/** Parameters of `startInBackground`. */
export interface StartInBackgroundParams {
  /** Absolute data directory. */
  readonly dataDir: string;
  /** The command that runs `citadel start` in the foreground, e.g. `node bin/citadel.js start …`. */
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** How long the network gets to answer `/api/v2/status`. @default 60_000 */
  readonly timeoutMs?: number;
  /** @default 100 */
  readonly pollMs?: number;
  /** @default spawnDetachedNode */
  readonly spawn?: SpawnDetached;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default nodeProcessControl */
  readonly processes?: ProcessControl;
  /** Monotonic clock in ms. @default performance.now */
  readonly clockMs?: () => number;
  /** @default timers/promises setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called once the child process exists. */
  readonly onSpawned?: (pid: number) => void;
  /** Called on every poll with the time waited so far. */
  readonly onProgress?: (elapsedMs: number) => void;
}

/** A network started by `startInBackground`. */
export interface BackgroundNetwork {
  readonly info: NetworkInfo;
  readonly logPath: string;
}

/** Default time a background network gets to come up. */
export const BACKGROUND_START_TIMEOUT_MS = 60_000;

async function answersStatus(url: string, fetchFn: typeof fetch): Promise<boolean> {
  try {
    const response = await fetchFn(`${url}/api/v2/status`, { signal: AbortSignal.timeout(2_000) });
    // The body is not needed; drain it so the connection is released.
    await response.arrayBuffer();
    return response.ok;
  } catch (error) {
    // Not listening yet, or not answering yet: both mean "keep waiting".
    if (error instanceof Error) {
      return false;
    }
    throw error;
  }
}

/**
 * network.json as published so far. A file citadel did not write can only be a leftover that
 * the child is about to take over, so it counts as "not published yet".
 */
async function readChildInfo(path: string): Promise<NetworkInfo | null> {
  try {
    return await readNetworkInfo(path);
  } catch (error) {
    if (isCitadelError(error, CliErrorCode.NETWORK_FILE_INVALID)) {
      return null;
    }
    throw error;
  }
}

function describeExit(exit: ChildExit): string {
  return exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

function withTail(message: string, logPath: string, tail: readonly string[]): string {
  if (tail.length === 0) {
    return `${message} ${logPath} has no output from it.`;
  }
  return `${message} Last lines of ${logPath}:\n${tail.map((line) => `  | ${line}`).join('\n')}`;
}

/**
 * Starts the network as a detached process that logs to `<data-dir>/network.log`, and waits
 * until it has published network.json and answers `GET /api/v2/status`.
 */
export async function startInBackground(
  params: StartInBackgroundParams,
): Promise<BackgroundNetwork> {
  const { dataDir } = params;
  const processes = params.processes ?? nodeProcessControl;
  const fetchFn = params.fetch ?? fetch;
  const clockMs = params.clockMs ?? (() => performance.now());
  const sleep = params.sleep ?? ((ms: number) => delay(ms));
  const pollMs = params.pollMs ?? 100;
  const timeoutMs = params.timeoutMs ?? BACKGROUND_START_TIMEOUT_MS;
  const files = dataDirFiles(dataDir);

  await mkdir(dataDir, { recursive: true });
  const state = await inspectDataDir(dataDir, processes);
  if (state.kind === 'running' || state.kind === 'starting') {
    throw alreadyRunningError(state, dataDir);
  }
  const logOffset = await fileSize(files.log);
  const child = await (params.spawn ?? spawnDetachedNode)({
    command: params.command,
    args: params.args,
    cwd: params.cwd,
    logPath: files.log,
  });
  params.onSpawned?.(child.pid);
  // A holder rather than a `let`, so the compiler does not narrow it to its initial null.
  const outcome: { exit: ChildExit | null } = { exit: null };
  void child.exited.then((value) => {
    outcome.exit = value;
  });

  const startedMs = clockMs();
  for (;;) {
    const info = await readChildInfo(files.network);
    if (info !== null && info.pid === child.pid && (await answersStatus(info.url, fetchFn))) {
      return { info, logPath: files.log };
    }
    // Read after the status check: a child that served and then died must not count as ready.
    const ended = outcome.exit;
    if (ended !== null) {
      const tail = await readLogTail(files.log, logOffset);
      throw createCliError(
        CliErrorCode.BACKGROUND_START_FAILED,
        withTail(
          `The background network (pid ${child.pid}) ${describeExit(ended)} before it answered.`,
          files.log,
          tail,
        ),
        {
          pid: child.pid,
          code: ended.code,
          signal: ended.signal,
          logPath: files.log,
          logTail: tail,
        },
      );
    }
    const elapsedMs = clockMs() - startedMs;
    if (elapsedMs >= timeoutMs) {
      try {
        processes.kill(child.pid, 'SIGTERM');
      } catch (error) {
        if (systemErrorCode(error) !== 'ESRCH') {
          throw error;
        }
      }
      const tail = await readLogTail(files.log, logOffset);
      throw createCliError(
        CliErrorCode.BACKGROUND_START_TIMEOUT,
        withTail(
          `The background network (pid ${child.pid}) did not answer within ${Math.round(timeoutMs / 1000)} s; it was sent SIGTERM.`,
          files.log,
          tail,
        ),
        { pid: child.pid, timeoutMs, logPath: files.log, logTail: tail },
      );
    }
    params.onProgress?.(elapsedMs);
    await sleep(pollMs);
  }
}
