/**
 * Fakes for the CLI's unit tests (not part of the build). Integration tests use none of them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliContext } from '../cli-context.js';
import type { ProcessControl } from '../network/process-control.js';
import type { ReplicaFactory, ReplicaStartOptions } from '../network/start-network.js';

/** A process table: `alive` pids exist; `kill` records signals and may end processes. */
export interface FakeProcesses extends ProcessControl {
  readonly alive: Set<number>;
  readonly signals: { pid: number; signal: NodeJS.Signals }[];
}

/** Options of `makeFakeProcesses`. */
export interface FakeProcessesOptions {
  /** Signals that end a process; others are recorded and ignored. @default SIGTERM and SIGKILL */
  readonly fatal?: readonly NodeJS.Signals[];
  /** A system error code `kill` throws for live pids, e.g. 'EPERM'. */
  readonly killError?: string;
}

/** Creates a fake process table. */
export function makeFakeProcesses(
  alive: Iterable<number>,
  options: FakeProcessesOptions = {},
): FakeProcesses {
  const table = new Set(alive);
  const fatal = new Set(options.fatal ?? ['SIGTERM', 'SIGKILL']);
  const signals: { pid: number; signal: NodeJS.Signals }[] = [];
  return {
    alive: table,
    signals,
    isAlive: (pid) => table.has(pid),
    kill(pid, signal) {
      if (!table.has(pid)) {
        throw Object.assign(new Error(`kill ESRCH ${pid}`), { code: 'ESRCH' });
      }
      if (options.killError !== undefined) {
        throw Object.assign(new Error(`kill ${options.killError} ${pid}`), {
          code: options.killError,
        });
      }
      signals.push({ pid, signal });
      if (fatal.has(signal)) {
        table.delete(pid);
      }
    },
  };
}

/** A replica factory that serves nothing, and what was asked of it. */
export interface FakeReplica {
  readonly factory: ReplicaFactory;
  readonly starts: ReplicaStartOptions[];
  readonly closed: () => number;
}

/** The root key every fake replica reports (the first bytes of a real DER BLS key). */
export const FAKE_ROOT_KEY_DER = new Uint8Array([0x30, 0x81, 0x82, 0x30, 0x1d, 0x06, 0x0d]);

/** Creates a fake replica factory; `fail` makes it reject with that error. */
export function makeFakeReplica(fail?: unknown): FakeReplica {
  const starts: ReplicaStartOptions[] = [];
  let closed = 0;
  return {
    starts,
    closed: () => closed,
    factory: async (options) => {
      starts.push(options);
      if (fail !== undefined) {
        throw fail;
      }
      const port = options.port === 0 || options.port === undefined ? 49_152 : options.port;
      return {
        url: `http://${options.host ?? '127.0.0.1'}:${port}`,
        port,
        rootKeyDer: FAKE_ROOT_KEY_DER,
        close: async () => {
          closed += 1;
        },
      };
    },
  };
}

/** A clock that only moves when the code under test sleeps. */
export function makeFakeClock(): { clockMs: () => number; sleep: (ms: number) => Promise<void> } {
  let nowMs = 0;
  return {
    clockMs: () => nowMs,
    sleep: async (ms) => {
      nowMs += ms;
    },
  };
}

/** A fresh temporary directory and its removal. */
export async function makeTempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'citadel-cli-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A context for commands that need no network, and the lines they print. */
export interface FakeCliContext {
  readonly context: CliContext;
  readonly out: string[];
  readonly err: string[];
}

/**
 * A context rooted in a temporary directory: `cwd` and `homeDir` are `dir` (so the config
 * directory is `<dir>/.config/citadel`, never the real one), the environment is `env` only.
 */
export function makeFakeCliContext(
  dir: string,
  env: Readonly<Record<string, string | undefined>> = {},
  overrides: Partial<CliContext> = {},
): FakeCliContext {
  const out: string[] = [];
  const err: string[] = [];
  const context: CliContext = {
    cwd: dir,
    env,
    homeDir: dir,
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    version: '1.2.3',
    selfCommand: { command: '/usr/bin/node', args: ['/opt/citadel/bin/citadel.js'] },
    waitForShutdownSignal: () => new Promise(() => {}),
    fetch: (async () => {
      throw new Error('no network in this test');
    }) as typeof fetch,
    processes: makeFakeProcesses([]),
    spawnDetached: async () => {
      throw new Error('no child processes in this test');
    },
    ...makeFakeClock(),
    ...overrides,
  };
  return { context, out, err };
}
