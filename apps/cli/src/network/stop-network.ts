import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { CliErrorCode, createCliError, systemErrorCode } from '../errors.js';
import { inspectDataDir, removeNetworkFiles } from './data-dir-lock.js';
import type { ProcessControl } from './process-control.js';
import { nodeProcessControl } from './process-control.js';

/** What `stopNetwork` did. */
export type StopNetworkResult =
  /** Nothing held the data directory. */
  | { readonly kind: 'not-running' }
  /** Only files of a process that had died: they were removed. */
  | { readonly kind: 'cleaned-stale'; readonly pid: number | null }
  /** The network's process exited; `forced` when SIGTERM was not enough and SIGKILL was sent. */
  | {
      readonly kind: 'stopped';
      readonly pid: number;
      readonly url: string | null;
      readonly forced: boolean;
    };

/** Parameters of `stopNetwork`. */
export interface StopNetworkParams {
  readonly dataDir: string;
  /** How long to wait for a clean exit after SIGTERM before SIGKILL. @default 10_000 */
  readonly timeoutMs?: number;
  /** Interval between liveness checks. @default 50 */
  readonly pollMs?: number;
  /** @default nodeProcessControl */
  readonly processes?: ProcessControl;
  /** Monotonic clock in ms. @default performance.now */
  readonly clockMs?: () => number;
  /** @default timers/promises setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Default time a network gets to shut down cleanly. */
export const STOP_TIMEOUT_MS = 10_000;
/** How long to wait for the kernel to reap a process after SIGKILL. */
const KILL_WAIT_MS = 5_000;

function signal(processes: ProcessControl, pid: number, name: NodeJS.Signals): boolean {
  try {
    processes.kill(pid, name);
    return true;
  } catch (error) {
    if (systemErrorCode(error) === 'ESRCH') {
      return false;
    }
    throw createCliError(
      CliErrorCode.STOP_FAILED,
      `Could not send ${name} to the network's process ${pid}: ${error instanceof Error ? error.message : String(error)}`,
      { pid, signal: name },
      { cause: error },
    );
  }
}

/**
 * Stops the network that holds `dataDir`: SIGTERM, wait for a clean exit, SIGKILL after
 * `timeoutMs`. Files left by a killed or crashed process are removed.
 */
export async function stopNetwork(params: StopNetworkParams): Promise<StopNetworkResult> {
  const processes = params.processes ?? nodeProcessControl;
  const clockMs = params.clockMs ?? (() => performance.now());
  const sleep = params.sleep ?? ((ms: number) => delay(ms));
  const pollMs = params.pollMs ?? 50;
  const state = await inspectDataDir(params.dataDir, processes);
  if (state.kind === 'free') {
    return { kind: 'not-running' };
  }
  if (state.kind === 'stale') {
    await removeNetworkFiles(params.dataDir, state.pid);
    return { kind: 'cleaned-stale', pid: state.pid };
  }
  const pid = state.kind === 'running' ? state.info.pid : state.pid;
  const url = state.kind === 'running' ? state.info.url : null;

  const waitForExit = async (limitMs: number): Promise<boolean> => {
    const deadline = clockMs() + limitMs;
    while (processes.isAlive(pid)) {
      if (clockMs() >= deadline) {
        return false;
      }
      await sleep(pollMs);
    }
    return true;
  };

  let forced = false;
  if (
    signal(processes, pid, 'SIGTERM') &&
    !(await waitForExit(params.timeoutMs ?? STOP_TIMEOUT_MS))
  ) {
    forced = true;
    if (signal(processes, pid, 'SIGKILL') && !(await waitForExit(KILL_WAIT_MS))) {
      throw createCliError(
        CliErrorCode.STOP_FAILED,
        `The network's process ${pid} is still alive after SIGKILL.`,
        { pid },
      );
    }
  }
  // A clean exit removed these already; a killed process could not.
  await removeNetworkFiles(params.dataDir, pid);
  return { kind: 'stopped', pid, url, forced };
}
