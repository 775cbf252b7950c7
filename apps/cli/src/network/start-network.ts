import { isCitadelError } from '@citadel/protocol';
import { CliErrorCode, createCliError, systemErrorCode } from '../errors.js';
import { acquireDataDir } from './data-dir-lock.js';
import type { NetworkInfo } from './network-file.js';
import type { ProcessControl } from './process-control.js';

/** Options the CLI passes to the replica; mirrors `StartReplicaOptions` of `@citadel/replica`. */
export interface ReplicaStartOptions {
  readonly dataDir: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly clean?: boolean;
  readonly maxCanisters?: number;
  /** Custom domain → canister id, for the gateway served on the same port. */
  readonly domains?: ReadonlyMap<string, string>;
  readonly log?: (line: string) => void;
}

/** What the CLI needs of a running replica; `startReplica` of `@citadel/replica` returns more. */
export interface ReplicaHandle {
  readonly url: string;
  readonly port: number;
  readonly rootKeyDer: Uint8Array;
  close(): Promise<void>;
}

/** Starts a replica serving HTTP; `startReplica` of `@citadel/replica`, or a fake in tests. */
export type ReplicaFactory = (options: ReplicaStartOptions) => Promise<ReplicaHandle>;

/** Parameters of `startNetwork`. */
export interface StartNetworkParams {
  /** Absolute data directory. */
  readonly dataDir: string;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 4943; 0 picks a free port */
  readonly port?: number;
  /** Discard the network's state first. @default false */
  readonly clean?: boolean;
  /** Most canisters the network hosts. @default unlimited */
  readonly maxCanisters?: number;
  /** Custom domain → canister id, for the gateway. @default none */
  readonly domains?: ReadonlyMap<string, string>;
  readonly startReplica: ReplicaFactory;
  /** Receives the replica's diagnostic lines. */
  readonly log?: (line: string) => void;
  /**
   * Runs once the replica serves and before network.json announces it: whatever waits for the
   * network (`start --background`, a deploy) then finds this done. Installs system canisters.
   */
  readonly prepare?: (network: { readonly url: string; readonly dataDir: string }) => Promise<void>;
  /** @default process.pid */
  readonly pid?: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** @default nodeProcessControl */
  readonly processes?: ProcessControl;
}

/** A network running in this process. */
export interface RunningNetwork {
  /** What was written to network.json. */
  readonly info: NetworkInfo;
  readonly dataDir: string;
  /** Set when the data directory was taken over from a process that had died. */
  readonly tookOverFrom: { readonly pid: number | null } | null;
  /** Closes the replica, then removes network.json and the lock. Safe to call more than once. */
  stop(): Promise<void>;
}

/** Default port of the local network, the same as dfx's. */
export const DEFAULT_PORT = 4943;
/** Default interface: loopback only, the network has no access control of its own. */
export const DEFAULT_HOST = '127.0.0.1';

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function startFailure(error: unknown, host: string, port: number): Error {
  if (isCitadelError(error)) {
    return error;
  }
  const code = systemErrorCode(error);
  if (code === 'EADDRINUSE') {
    return createCliError(
      CliErrorCode.PORT_IN_USE,
      `Port ${port} on ${host} is already in use; pick another with --port (0 picks a free one).`,
      { host, port },
      { cause: error },
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return createCliError(
    CliErrorCode.START_FAILED,
    `The local network failed to start on ${host}:${port}: ${reason}`,
    { host, port, systemCode: code ?? null },
    { cause: error },
  );
}

/**
 * Runs the local network in this process: takes the data directory, starts the replica and
 * publishes `network.json` once it serves.
 * @example
 * const network = await startNetwork({ dataDir, startReplica });
 * console.log(network.info.url);
 * await network.stop();
 */
export async function startNetwork(params: StartNetworkParams): Promise<RunningNetwork> {
  const host = params.host ?? DEFAULT_HOST;
  const port = params.port ?? DEFAULT_PORT;
  const now = params.now ?? (() => new Date());
  const pid = params.pid ?? process.pid;
  const lock = await acquireDataDir({
    dataDir: params.dataDir,
    pid,
    now,
    ...(params.processes ? { processes: params.processes } : {}),
  });

  let replica: ReplicaHandle;
  try {
    replica = await params.startReplica({
      dataDir: params.dataDir,
      host,
      port,
      clean: params.clean ?? false,
      ...(params.maxCanisters === undefined ? {} : { maxCanisters: params.maxCanisters }),
      ...(params.domains === undefined ? {} : { domains: params.domains }),
      ...(params.log ? { log: params.log } : {}),
    });
  } catch (error) {
    await lock.release();
    throw startFailure(error, host, port);
  }

  if (params.prepare !== undefined) {
    try {
      await params.prepare({ url: replica.url, dataDir: params.dataDir });
    } catch (error) {
      await replica.close();
      await lock.release();
      throw error;
    }
  }

  const info: NetworkInfo = {
    url: replica.url,
    pid,
    port: replica.port,
    rootKey: toHex(replica.rootKeyDer),
    startedAt: now().toISOString(),
  };
  try {
    await lock.publish(info);
  } catch (error) {
    await replica.close();
    await lock.release();
    throw error;
  }

  let stopping: Promise<void> | null = null;
  return {
    info,
    dataDir: params.dataDir,
    tookOverFrom: lock.tookOverFrom,
    stop() {
      stopping ??= (async () => {
        try {
          await replica.close();
        } finally {
          await lock.release();
        }
      })();
      return stopping;
    },
  };
}
