import { principalToText } from '@citadel/protocol';
import type { CertifiedState, LabelPath } from './certification/certifier.js';
import { Certifier } from './certification/certifier.js';
import type { SubnetKeys } from './certification/subnet-keys.js';
import { buildStateTree, buildSubnetTree } from './certification/state-tree.js';
import { ManagementCanister } from './management/management-canister.js';
import { captureCheckpoint, writeCheckpoint } from './persistence/checkpoint.js';
import type { ExecutionContextFactory } from './scheduler/execution-env.js';
import { QUERY_INSTRUCTION_LIMIT, createExecutionEnvFactory } from './scheduler/execution-env.js';
import { Scheduler } from './scheduler/scheduler.js';
import type { CanisterRecord } from './state/canister.js';
import { CanisterTable } from './state/canister-table.js';
import { IngressHistory } from './state/ingress-history.js';
import type { IngressRecord } from './state/ingress-history.js';
import type { Reject } from './state/reject.js';
import { createReject, rejects } from './state/reject.js';

/** How long answered ingress messages stay as `done` after expiry before they are forgotten. */
const FORGET_DONE_AFTER_NS = 5n * 60n * 1_000_000_000n;
/** A certified state older than this is refreshed before it is used for a read_state answer. */
const MAX_CERTIFIED_AGE_NS = 1_000_000_000n;
/** Least time between two checkpoints while canisters keep changing. */
export const CHECKPOINT_INTERVAL_MS = 5_000;

/** Outcome of submitting an update call. */
export type SubmitOutcome =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'refused'; readonly reject: Reject };

/** Outcome of a non-replicated query. */
export type QueryOutcome =
  | { readonly kind: 'replied'; readonly data: Uint8Array }
  | { readonly kind: 'rejected'; readonly reject: Reject };

/** Dependencies of the network core. */
export interface LocalNetworkOptions {
  readonly keys: SubnetKeys;
  /** Wall clock in nanoseconds since the epoch; injected so tests can pin time. */
  readonly clockNs?: () => bigint;
  readonly maxCanisters?: number;
  readonly log?: (line: string) => void;
  /** Initial state, when resuming from a data directory. */
  readonly canisters?: CanisterTable;
  /** Where checkpoints go; without it the state lives in memory only. */
  readonly dataDir?: string;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/**
 * The local subnet: canisters, ingress history, the scheduler and certification. The HTTP
 * layer talks to it through this class only.
 */
export class LocalNetwork {
  readonly keys: SubnetKeys;
  readonly canisters: CanisterTable;
  readonly ingress = new IngressHistory();
  readonly #scheduler: Scheduler;
  readonly #management: ManagementCanister;
  readonly #certifier: Certifier;
  readonly #env: ExecutionContextFactory;
  readonly #subnetTree;
  readonly #clockNs: () => bigint;
  readonly #log: (line: string) => void;
  readonly #waiters = new Map<string, (() => void)[]>();
  #lastTimeNs = 0n;
  #round: Promise<void> | null = null;
  #roundRequested = false;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;
  readonly #dataDir: string | undefined;
  /** State changed since the last checkpoint was captured. */
  #dirty = false;
  #lastCheckpointMs = 0;
  #checkpointWrite: Promise<void> = Promise.resolve();

  constructor(options: LocalNetworkOptions) {
    this.keys = options.keys;
    this.#clockNs = options.clockNs ?? (() => BigInt(Date.now()) * 1_000_000n);
    this.#log = options.log ?? (() => {});
    this.canisters = options.canisters ?? new CanisterTable();
    this.#dataDir = options.dataDir;
    for (const canister of this.canisters.values()) {
      // Call contexts do not survive a restart, so a canister that was stopping has none left.
      if (canister.status === 'stopping') {
        canister.status = 'stopped';
        canister.version += 1n;
      }
    }
    this.#env = createExecutionEnvFactory({
      rootKeyDer: options.keys.rootKeyDer,
      subnetId: options.keys.subnetId,
      debugPrint: (id, text) => this.#log(`[canister ${id}] ${text}`),
    });
    this.#management = new ManagementCanister({
      canisters: this.canisters,
      env: this.#env,
      onCanisterReset: (id) => this.#scheduler.forgetCanister(id),
      ...(options.maxCanisters !== undefined ? { maxCanisters: options.maxCanisters } : {}),
    });
    this.#scheduler = new Scheduler({
      canisters: this.canisters,
      ingress: this.ingress,
      management: this.#management,
      env: this.#env,
      wake: () => this.#requestRound(),
    });
    this.#certifier = new Certifier(options.keys.stateSigner);
    this.#subnetTree = buildSubnetTree(options.keys.subnet);
  }

  /** Time of the next round: the wall clock, but strictly increasing (interface spec: time is monotonic). */
  #nextTimeNs(): bigint {
    const now = this.#clockNs();
    this.#lastTimeNs = now > this.#lastTimeNs ? now : this.#lastTimeNs + 1n;
    return this.#lastTimeNs;
  }

  /** Runs the first round so a certified state exists before anyone asks for one. */
  async start(): Promise<void> {
    await this.#runRound();
  }

  /** Accepts an update call into the ingress history and schedules its execution. */
  submitCall(params: {
    requestId: Uint8Array;
    sender: Uint8Array;
    canisterId: Uint8Array;
    method: string;
    arg: Uint8Array;
    expiryNs: bigint;
  }): SubmitOutcome {
    if (this.ingress.has(params.requestId)) {
      return { kind: 'duplicate' };
    }
    const refusal = this.#scheduler.ingressRefusal(params.canisterId, params.method);
    if (refusal) {
      return { kind: 'refused', reject: refusal };
    }
    const record: IngressRecord = {
      requestId: params.requestId,
      sender: params.sender,
      receiver: params.canisterId,
      expiryNs: params.expiryNs,
      state: { status: 'received' },
      updatedAtNs: this.#lastTimeNs,
    };
    this.ingress.add(record);
    this.#scheduler.submitIngress(params);
    this.#requestRound();
    return { kind: 'accepted' };
  }

  /**
   * Resolves with the first certified state in which `requestId` is terminal, or `null` after
   * `timeoutMs` (the v3 call endpoint then answers 202 and the agent polls).
   */
  async waitForCertifiedTerminal(
    requestId: Uint8Array,
    timeoutMs: number,
  ): Promise<CertifiedState | null> {
    const key = hex(requestId);
    const terminal = (): boolean => {
      const status = this.ingress.get(requestId)?.state.status;
      return status === 'replied' || status === 'rejected' || status === 'done';
    };
    if (terminal() && !this.#roundRequested && this.#round === null) {
      return this.#certifier.latest;
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const list = this.#waiters.get(key) ?? [];
        this.#waiters.set(
          key,
          list.filter((w) => w !== check),
        );
        resolve(null);
      }, timeoutMs);
      const check = (): void => {
        if (terminal()) {
          clearTimeout(timer);
          resolve(this.#certifier.latest);
        } else {
          this.#waiters.set(key, [...(this.#waiters.get(key) ?? []), check]);
        }
      };
      this.#waiters.set(key, [...(this.#waiters.get(key) ?? []), check]);
    });
  }

  /** Executes a query method without persisting anything (non-replicated mode). */
  query(params: {
    canisterId: Uint8Array;
    method: string;
    arg: Uint8Array;
    sender: Uint8Array;
  }): QueryOutcome {
    if (params.canisterId.length === 0) {
      return {
        kind: 'rejected',
        reject: createReject(
          'IC0407',
          'The management canister has no query methods on this network; call it with an update.',
        ),
      };
    }
    const canister = this.canisters.get(params.canisterId);
    if (!canister) {
      return {
        kind: 'rejected',
        reject: rejects.canisterNotFound(principalToText(params.canisterId)),
      };
    }
    if (!canister.code) {
      return { kind: 'rejected', reject: rejects.canisterEmpty(canister.idText) };
    }
    if (canister.status !== 'running') {
      return {
        kind: 'rejected',
        reject:
          canister.status === 'stopped'
            ? rejects.canisterStopped(canister.idText)
            : rejects.canisterStopping(canister.idText),
      };
    }
    if (!canister.code.prepared.methods.query.has(params.method)) {
      return {
        kind: 'rejected',
        reject: rejects.methodNotFound(canister.idText, 'query', params.method),
      };
    }
    const certified = this.#certifier.latest;
    const dataCertificate = certified
      ? this.#certifier.certificate(certified, [['canister', canister.id, 'certified_data']])
      : undefined;
    const result = canister.code.instance.execute(
      {
        kind: 'query',
        method: params.method,
        arg: params.arg,
        caller: params.sender,
        mode: 'non_replicated',
        ...(dataCertificate ? { dataCertificate } : {}),
      },
      this.#env.create(canister, this.#nextTimeNs(), { instructionLimit: QUERY_INSTRUCTION_LIMIT }),
    );
    const { outcome } = result;
    switch (outcome.kind) {
      case 'replied':
        return { kind: 'replied', data: outcome.data };
      case 'rejected':
        return { kind: 'rejected', reject: rejects.canisterRejected(outcome.message) };
      case 'trapped':
        return {
          kind: 'rejected',
          reject: createReject(
            outcome.icErrorCode,
            `Error from Canister ${canister.idText}: ${outcome.message}`,
          ),
        };
      case 'no_response':
        return { kind: 'rejected', reject: rejects.didNotReply(canister.idText) };
    }
  }

  /** A certificate over `paths` from a certified state no older than a second. */
  async readState(paths: readonly LabelPath[]): Promise<Uint8Array> {
    let state = this.#certifier.latest;
    if (!state || this.#clockNs() - state.timeNs > MAX_CERTIFIED_AGE_NS) {
      await this.#runRoundNow();
      state = this.#certifier.latest;
    }
    if (!state) {
      throw new Error('unreachable: no certified state after a round');
    }
    return this.#certifier.certificate(state, paths);
  }

  /** Certificate for a sync call answer: `/time` and `/request_status/<id>` only (as the IC builds it). */
  callCertificate(state: CertifiedState, requestId: Uint8Array): Uint8Array {
    return this.#certifier.certificate(state, [['request_status', requestId]]);
  }

  canisterList(): CanisterRecord[] {
    return [...this.canisters.values()];
  }

  get latestCertifiedState(): CertifiedState | null {
    return this.#certifier.latest;
  }

  /** Waits for the running round (if any), stops scheduling new ones and writes a last checkpoint. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    while (this.#round) {
      await this.#round;
    }
    if (this.#dirty) {
      this.#checkpoint(this.#lastTimeNs);
    }
    await this.#checkpointWrite;
  }

  /**
   * Captures the canister state (synchronously, between rounds) and writes it in the
   * background; writes are chained so they land in order.
   */
  #checkpoint(timeNs: bigint): void {
    const dataDir = this.#dataDir;
    if (!dataDir) {
      return;
    }
    const image = captureCheckpoint({ canisters: this.canisters, timeNs });
    this.#dirty = false;
    this.#lastCheckpointMs = Date.now();
    this.#checkpointWrite = this.#checkpointWrite
      .then(() => writeCheckpoint(dataDir, image))
      .catch((error: unknown) => {
        // The next checkpoint retries with newer state; the network keeps serving meanwhile.
        this.#dirty = true;
        this.#log(`checkpoint failed: ${error instanceof Error ? error.message : String(error)}`);
      });
  }

  /** Waits until no round is running or requested: the state is quiet and certified. */
  async settle(): Promise<void> {
    while (this.#round || this.#roundRequested) {
      await (this.#round ?? new Promise((r) => setImmediate(r)));
    }
  }

  #requestRound(): void {
    if (this.#closed || this.#roundRequested) {
      return;
    }
    this.#roundRequested = true;
    // Batch everything that arrives in the same tick into one round.
    setImmediate(() => {
      void this.#runRoundNow();
    });
  }

  async #runRoundNow(): Promise<void> {
    while (this.#round) {
      await this.#round;
    }
    if (this.#closed) {
      return;
    }
    this.#round = this.#runRound().finally(() => {
      this.#round = null;
    });
    await this.#round;
  }

  async #runRound(): Promise<void> {
    this.#roundRequested = false;
    const timeNs = this.#nextTimeNs();
    try {
      const executed = await this.#scheduler.runRound(timeNs);
      this.#dirty ||= executed > 0;
    } catch (error) {
      this.#dirty = true;
      this.#log(
        `round failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
    this.#management.completeStops();
    this.ingress.prune(timeNs, FORGET_DONE_AFTER_NS);
    const tree = buildStateTree({
      timeNs,
      ingress: this.ingress,
      canisters: this.canisters.values(),
      subnetTree: this.#subnetTree,
    });
    this.#certifier.certify(tree, timeNs);
    this.#notifyWaiters();
    if (this.#dirty && Date.now() - this.#lastCheckpointMs >= CHECKPOINT_INTERVAL_MS) {
      this.#checkpoint(timeNs);
    }
    if (this.#scheduler.hasWork) {
      this.#requestRound();
    }
    this.#armTimer();
  }

  #notifyWaiters(): void {
    const waiters = [...this.#waiters.values()].flat();
    this.#waiters.clear();
    for (const waiter of waiters) {
      waiter();
    }
  }

  #armTimer(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    const next = this.#scheduler.nextTimerNs();
    if (next === null || this.#closed) {
      return;
    }
    const delayMs = Number((next - this.#clockNs()) / 1_000_000n);
    this.#timer = setTimeout(
      () => this.#requestRound(),
      Math.max(0, Math.min(delayMs, 2 ** 31 - 1)),
    );
    this.#timer.unref();
  }
}
