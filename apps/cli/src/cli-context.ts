import type { SpawnDetached } from './network/background-start.js';
import type { PrepareNetworkOptions, StartingNetwork } from './network/prepare-network.js';
import type { ProcessControl } from './network/process-control.js';
import type { ReplicaFactory } from './network/start-network.js';

/** A line that rewrites itself in place (spinner); only on terminals. */
export interface ProgressLine {
  update(text: string): void;
  /** Erases the line, if anything is shown. */
  clear(): void;
}

/** Everything the commands touch outside their arguments; tests pass fakes. */
export interface CliContext {
  /** Directory relative paths and the project root are resolved from. */
  readonly cwd: string;
  /** The environment (`CITADEL_CONFIG_DIR`, `CITADEL_IDENTITY_PEM`, `XDG_CONFIG_HOME`, …). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The user's home directory; the config directory defaults to `~/.config/citadel`. */
  readonly homeDir: string;
  /** Writes one line to standard output. */
  readonly stdout: (line: string) => void;
  /** Writes one line to standard error. */
  readonly stderr: (line: string) => void;
  /** Present when standard output is a terminal. */
  readonly progress?: ProgressLine;
  /** Version of @citadel/cli. */
  readonly version: string;
  /** How to run `citadel` again (for `start --background`): the Node binary and the bin script. */
  readonly selfCommand: { readonly command: string; readonly args: readonly string[] };
  /** Loads `startReplica`. @default lazy `import('@citadel/replica')` */
  readonly loadReplica?: () => Promise<ReplicaFactory>;
  /**
   * `start`: brings a network's system canisters (Internet Identity) up to date before it is
   * announced (`prepareNetwork`); absent where the replica is a fake.
   */
  readonly prepareNetwork?: (
    network: StartingNetwork,
    options: PrepareNetworkOptions,
  ) => Promise<void>;
  /** Resolves with the first SIGINT or SIGTERM received after the call. */
  readonly waitForShutdownSignal: () => Promise<NodeJS.Signals>;
  readonly fetch: typeof fetch;
  readonly processes: ProcessControl;
  readonly spawnDetached: SpawnDetached;
  /** Monotonic clock in ms, for waits and spinners. @default performance.now */
  readonly clockMs?: () => number;
  /** @default timers/promises setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}
