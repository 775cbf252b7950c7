import {
  createCanisterSignatureVerifier,
  createSignatureVerifier,
  verifyWebAuthnSignature,
} from '@citadel/protocol';
import type { KeyMaterial } from './certification/subnet-keys.js';
import { createSubnetKeys } from './certification/subnet-keys.js';
import { createHttpHandler } from './http/http-handler.js';
import { type QuickAnswer, type QuickRequest, serveHandler } from './http/node-server.js';
import { LocalNetwork } from './network.js';
import { loadCheckpointState, removeCheckpoints } from './persistence/checkpoint.js';
import type { RoundRecord } from './persistence/round-log.js';
import {
  RoundLog,
  quarantineRoundLog,
  readRoundLog,
  removeRoundLog,
} from './persistence/round-log.js';
import type { InstructionLimits } from './execution/index.js';
import type { IngressRecord } from './state/ingress-history.js';
import { loadOrCreateKeys } from './persistence/key-store.js';
import type { CanisterTable } from './state/canister-table.js';

/** Options of `createReplica`. */
export interface ReplicaOptions {
  /** Key material; generate with `generateKeyMaterial()` or load from a data directory. */
  readonly keys: KeyMaterial;
  /** Wall clock in ns since the epoch. @default Date.now() */
  readonly clockNs?: () => bigint;
  /** Maximum number of canisters. @default unlimited */
  readonly maxCanisters?: number;
  /** BLS nodes (1-based) that hand out corrupted signature shares, to test share validation. */
  readonly faultyNodes?: readonly number[];
  /** Receives diagnostic lines (canister debug prints, internal errors). */
  readonly log?: (line: string) => void;
  /** Directory for checkpoints of canister state; without it state lives in memory only. */
  readonly dataDir?: string;
  /** Canisters to start with (restored from a checkpoint). */
  readonly canisters?: CanisterTable;
  /** The rest of a checkpoint: its height, time and ingress history. */
  readonly resume?: {
    readonly height: bigint;
    readonly timeNs: bigint;
    readonly ingress: readonly IngressRecord[];
  };
  /** Rounds logged after the checkpoint, re-executed before the replica serves. */
  readonly replay?: readonly RoundRecord[];
  /** Where executed rounds are logged before they run. */
  readonly roundLog?: RoundLog;
  /** Per-message instruction limits (tests lower them). @default mainnet's */
  readonly instructionLimits?: Partial<InstructionLimits>;
}

/** An in-process replica: a Web-standard `fetch` handler over a local subnet. */
export interface Replica {
  /** Answers one HTTP request of the IC interface. */
  fetch(request: Request): Promise<Response>;
  readonly rootKeyDer: Uint8Array;
  /** The subnet core, for tests and the CLI's status. */
  readonly network: LocalNetwork;
  close(): Promise<void>;
}

/**
 * Creates a replica without binding a port.
 * @example
 * const replica = await createReplica({ keys: generateKeyMaterial() });
 * const res = await replica.fetch(new Request('http://localhost/api/v2/status'));
 */
export async function createReplica(options: ReplicaOptions): Promise<Replica> {
  const keys = createSubnetKeys(
    options.keys,
    options.faultyNodes ? { faultyNodes: options.faultyNodes } : {},
  );
  const network = new LocalNetwork({
    keys,
    ...(options.clockNs ? { clockNs: options.clockNs } : {}),
    ...(options.maxCanisters !== undefined ? { maxCanisters: options.maxCanisters } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.canisters ? { canisters: options.canisters } : {}),
    ...(options.roundLog ? { roundLog: options.roundLog } : {}),
    ...(options.instructionLimits ? { instructionLimits: options.instructionLimits } : {}),
    ...(options.resume ?? {}),
  });
  await network.replay(options.replay ?? []);
  await network.start();
  const handler = createHttpHandler({
    network,
    verifier: createSignatureVerifier({
      webauthn: verifyWebAuthnSignature,
      // Canister signatures (Internet Identity delegations) carry certificates that canisters
      // got from `ic0.data_certificate`, so they verify against this network's root key.
      canisterSignature: createCanisterSignatureVerifier({ rootKeyDer: keys.rootKeyDer }),
    }),
    ...(options.clockNs ? { clockNs: options.clockNs } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  return {
    fetch: handler,
    rootKeyDer: keys.rootKeyDer,
    network,
    close: () => network.close(),
  };
}

/** Options of `startReplica`. */
export interface StartReplicaOptions {
  /** Directory holding the network's keys and checkpoints of its canister state. */
  readonly dataDir: string;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 4943; 0 picks a free port */
  readonly port?: number;
  /** Discard the data directory's contents first. @default false */
  readonly clean?: boolean;
  /** Most canisters the network hosts; creating more is refused with IC0102. @default unlimited */
  readonly maxCanisters?: number;
  /**
   * Per-message instruction limits and slice size. They shape execution, so a data directory
   * must be reopened with the same values for its round log to replay. @default mainnet's
   */
  readonly instructionLimits?: Partial<InstructionLimits>;
  /**
   * Serves what is not the replica's (paths outside `/api/` and `/_citadel/status`) on the same
   * port: the HTTP gateway, built once the replica exists. Without it those paths answer 404.
   */
  readonly frontend?: (replica: Replica) => Promise<Frontend> | Frontend;
  readonly log?: (line: string) => void;
}

/** What serves the non-replica paths of the port (the HTTP gateway). */
export interface Frontend {
  fetch(request: Request): Promise<Response>;
  /** Answers some GET/HEAD requests without the Fetch adapter (cache hits). */
  quickAnswer?(request: QuickRequest): QuickAnswer | undefined;
}

/** A replica listening on a port. */
export interface RunningReplica {
  readonly url: string;
  readonly port: number;
  readonly rootKeyDer: Uint8Array;
  readonly replica: Replica;
  close(): Promise<void>;
}

/** The replica's own paths on a shared port: its API and the CLI's status endpoint. */
function isReplicaPath(path: string): boolean {
  return path.startsWith('/api/') || path.startsWith('/_citadel/status');
}

/** Default port of the local network, the same as dfx's. */
export const DEFAULT_PORT = 4943;

/** Loads (or creates) the data directory and serves the replica over HTTP. */
export async function startReplica(options: StartReplicaOptions): Promise<RunningReplica> {
  const log = options.log ?? (() => {});
  if (options.clean) {
    await removeCheckpoints(options.dataDir);
    await removeRoundLog(options.dataDir);
  }
  const keys = await loadOrCreateKeys(options.dataDir, options.clean ? { clean: true } : {});
  const checkpoint = await loadCheckpointState(options.dataDir, { log });
  const height = checkpoint?.height ?? 0n;
  const logged = await readRoundLog(options.dataDir, height, log);
  let records = logged.records;
  if (!logged.continuous) {
    const moved = await quarantineRoundLog(options.dataDir);
    log(
      `The round log does not reach back to the checkpoint of round ${height}; changes after it are lost. The log was moved to ${moved}.`,
    );
    records = [];
  }
  const roundLog = await RoundLog.open(options.dataDir, (records.at(-1)?.height ?? height) + 1n);
  const replica = await createReplica({
    keys,
    dataDir: options.dataDir,
    roundLog,
    replay: records,
    ...(options.maxCanisters === undefined ? {} : { maxCanisters: options.maxCanisters }),
    ...(options.instructionLimits ? { instructionLimits: options.instructionLimits } : {}),
    ...(checkpoint
      ? {
          canisters: checkpoint.canisters,
          resume: { height, timeNs: checkpoint.timeNs, ingress: checkpoint.ingress },
        }
      : {}),
    log,
  });
  // Ids a lost stretch of history may have handed out are never reused.
  checkpoint?.canisters.reserveBelow(checkpoint.committedNextIndex);
  if (records.length > 0) {
    log(`Replayed ${records.length} rounds logged after the checkpoint of round ${height}.`);
  }
  const host = options.host ?? '127.0.0.1';
  const frontend = options.frontend === undefined ? undefined : await options.frontend(replica);
  const handler =
    frontend === undefined
      ? replica.fetch
      : (request: Request) =>
          isReplicaPath(new URL(request.url).pathname)
            ? replica.fetch(request)
            : frontend.fetch(request);
  const quick = frontend?.quickAnswer?.bind(frontend);
  const bound = await serveHandler(handler, {
    ...(quick === undefined
      ? {}
      : {
          quickAnswer: (request: QuickRequest) =>
            isReplicaPath(request.target) ? undefined : quick(request),
        }),
    host,
    port: options.port ?? DEFAULT_PORT,
    log,
  });
  return {
    url: `http://${host}:${bound.port}`,
    port: bound.port,
    rootKeyDer: replica.rootKeyDer,
    replica,
    close: async () => {
      await bound.close();
      await replica.close();
    },
  };
}
