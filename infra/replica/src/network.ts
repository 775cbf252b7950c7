import { bytesToHex, principalToText } from '@citadel/protocol';
import type { CertifiedState, LabelPath } from './certification/certifier.js';
import { Certifier } from './certification/certifier.js';
import type { SubnetKeys } from './certification/subnet-keys.js';
import { type InstructionLimits, MAINNET_INSTRUCTION_LIMITS } from './execution/index.js';
import { buildStateTree, buildSubnetTree } from './certification/state-tree.js';
import { ManagementCanister } from './management/management-canister.js';
import { RandomTape } from './management/random-tape.js';
import { captureCheckpoint, writeCheckpoint } from './persistence/checkpoint.js';
import type { LoggedIngress, RoundLog, RoundRecord } from './persistence/round-log.js';
import type { ExecutionContextFactory } from './scheduler/execution-env.js';
import { createExecutionEnvFactory } from './scheduler/execution-env.js';
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
/**
 * The oldest certified state a query's data certificate may come from. An idle network runs no
 * rounds, and verifiers refuse certificates older than 5 minutes (HTTP gateways, agents), so a
 * query on a state this old first certifies a fresh one, as the IC's continuous blocks would.
 */
const MAX_QUERY_CERTIFIED_AGE_NS = 30_000_000_000n;
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
  /** Write-ahead log of round inputs; every executed round is appended before it runs. */
  readonly roundLog?: RoundLog;
  /** Last executed round of the initial state (a checkpoint's height). @default 0n */
  readonly height?: bigint;
  /** Time of the initial state, so round times stay monotonic across restarts. */
  readonly timeNs?: bigint;
  /** Ingress history of the initial state. */
  readonly ingress?: readonly IngressRecord[];
  /** Per-message instruction limits. @default MAINNET_INSTRUCTION_LIMITS */
  readonly instructionLimits?: Partial<InstructionLimits>;
}

/** How long to wait before retrying a round whose log append failed. */
const LOG_RETRY_MS = 1_000;

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
  readonly #randomTape: RandomTape;
  readonly #roundLog: RoundLog | undefined;
  /** Accepted ingress messages waiting for the next round, which logs and then inducts them. */
  #pending: LoggedIngress[] = [];
  /** Last executed round; only rounds that execute something are counted (and logged). */
  #height: bigint;
  /** Height of the newest checkpoint on disk: the log before it is needed only as fallback. */
  #committedHeight: bigint;
  #lastTimeNs = 0n;
  /** While the round log refuses appends, rounds with work wait until this time. */
  #logRetryAtMs = 0;
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
    this.#roundLog = options.roundLog;
    this.#height = options.height ?? 0n;
    this.#committedHeight = this.#height;
    this.#lastTimeNs = options.timeNs ?? 0n;
    for (const record of options.ingress ?? []) {
      this.ingress.add(record);
    }
    this.#randomTape = new RandomTape(options.keys.randomSeed);
    for (const canister of this.canisters.values()) {
      // Call contexts do not survive a restart, so a canister that was stopping has none left.
      if (canister.status === 'stopping') {
        canister.status = 'stopped';
        canister.version += 1n;
      }
    }
    const instructionLimits = { ...MAINNET_INSTRUCTION_LIMITS, ...options.instructionLimits };
    this.#env = createExecutionEnvFactory({
      rootKeyDer: options.keys.rootKeyDer,
      subnetId: options.keys.subnetId,
      debugPrint: (id, text) => this.#log(`[canister ${id}] ${text}`),
      instructionLimits,
    });
    this.#management = new ManagementCanister({
      canisters: this.canisters,
      env: this.#env,
      onCanisterReset: (id) => this.#scheduler.forgetCanister(id),
      randomTape: this.#randomTape,
      isBusy: (id) => this.#scheduler.isBusy(id),
      ...(options.maxCanisters !== undefined ? { maxCanisters: options.maxCanisters } : {}),
    });
    this.#scheduler = new Scheduler({
      canisters: this.canisters,
      ingress: this.ingress,
      management: this.#management,
      env: this.#env,
      wake: () => this.#requestRound(),
      log: (line) => this.#log(line),
      sliceInstructions: instructionLimits.slice,
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
    const refusal = this.#scheduler.ingressRefusal(
      params.canisterId,
      params.method,
      params.arg.length,
    );
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
    this.#pending.push({
      requestId: params.requestId,
      sender: params.sender,
      canisterId: params.canisterId,
      method: params.method,
      arg: params.arg,
      expiryNs: params.expiryNs,
    });
    this.#requestRound();
    return { kind: 'accepted' };
  }

  /** Last executed round. */
  get height(): bigint {
    return this.#height;
  }

  /**
   * Re-executes logged rounds on the state of the checkpoint they follow (before `start`).
   * Execution is deterministic given the rounds' times and ingress, so this rebuilds the
   * state the network had when it stopped, answers included.
   */
  async replay(records: readonly RoundRecord[]): Promise<void> {
    for (const record of records) {
      if (record.height <= this.#height) {
        continue;
      }
      if (record.timeNs > this.#lastTimeNs) {
        this.#lastTimeNs = record.timeNs;
      }
      for (const message of record.ingress) {
        this.ingress.add({
          requestId: message.requestId,
          sender: message.sender,
          receiver: message.canisterId,
          expiryNs: message.expiryNs,
          state: { status: 'received' },
          updatedAtNs: record.timeNs,
        });
      }
      await this.#executeRound(record);
      this.#dirty = true;
      // Live rounds start from setImmediate, after the previous round's promise callbacks
      // (deferred stop_canister answers) ran; a replayed round must see the same queue.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Runs one round's messages; the same code path for live and replayed rounds. */
  async #executeRound(record: RoundRecord): Promise<number> {
    this.#height = record.height;
    this.#randomTape.beginRound(record.height);
    for (const message of record.ingress) {
      this.#scheduler.submitIngress(message);
    }
    try {
      return await this.#scheduler.runRound(record.timeNs);
    } finally {
      this.#management.completeStops();
      this.ingress.prune(record.timeNs, FORGET_DONE_AFTER_NS);
    }
  }

  /**
   * Resolves with the first certified state in which `requestId` is terminal, or `null` after
   * `timeoutMs` (the v3 call endpoint then answers 202 and the agent polls).
   */
  async waitForCertifiedTerminal(
    requestId: Uint8Array,
    timeoutMs: number,
  ): Promise<CertifiedState | null> {
    const key = bytesToHex(requestId);
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
  async query(params: {
    canisterId: Uint8Array;
    method: string;
    arg: Uint8Array;
    sender: Uint8Array;
  }): Promise<QueryOutcome> {
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
    let certified = this.#certifier.latest;
    if (!certified || this.#clockNs() - certified.timeNs > MAX_QUERY_CERTIFIED_AGE_NS) {
      await this.#runRoundNow();
      certified = this.#certifier.latest;
    }
    const dataCertificate = certified
      ? this.#certifier.certificate(certified, [['canister', canister.id, 'certified_data']])
      : undefined;
    const result = await canister.code.instance.execute(
      {
        kind: 'query',
        method: params.method,
        arg: params.arg,
        caller: params.sender,
        mode: 'non_replicated',
        ...(dataCertificate ? { dataCertificate } : {}),
      },
      this.#env.create(canister, this.#nextTimeNs(), { limit: 'query' }),
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
    if (this.#dirty && this.#quiescent) {
      this.#checkpoint(this.#lastTimeNs);
    }
    await this.#checkpointWrite;
    await this.#roundLog?.close();
    await Promise.all(this.canisterList().map((canister) => canister.code?.instance.stop()));
  }

  /** Nothing in flight that a checkpoint could not hold (the round log covers the rest). */
  get #quiescent(): boolean {
    return (
      this.#scheduler.isQuiescent && !this.#management.hasPendingStops && this.#pending.length === 0
    );
  }

  /**
   * Captures the canister state as it is now (between rounds) and writes it in the background;
   * writes are chained so they land in order.
   */
  #checkpoint(timeNs: bigint): void {
    const dataDir = this.#dataDir;
    if (!dataDir) {
      return;
    }
    const height = this.#height;
    const capturing = captureCheckpoint({
      canisters: this.canisters,
      timeNs,
      height,
      ingress: this.ingress.values(),
    });
    this.#dirty = false;
    this.#lastCheckpointMs = Date.now();
    const log = this.#roundLog;
    log?.rotate(height + 1n);
    // Promise.all handles a failed capture at once, even while an earlier write is running.
    this.#checkpointWrite = Promise.all([this.#checkpointWrite, capturing])
      .then(([, image]) => writeCheckpoint(dataDir, image))
      .then(async () => {
        // The checkpoint before this one stays as a fallback, and so does the log after it.
        const fallback = this.#committedHeight;
        this.#committedHeight = height;
        await log?.prune(fallback);
      })
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
    const ingress = this.#pending.splice(0);
    const due =
      ingress.length > 0 || this.#scheduler.hasWork || this.#scheduler.hasDueTimer(timeNs);
    // A round with nothing to execute changes no canister state, so it is neither logged nor
    // counted; it only ages the ingress history and certifies a fresh time. While the log is
    // failing, due work waits for the retry.
    if (due && Date.now() < this.#logRetryAtMs) {
      this.#pending.unshift(...ingress);
    } else if (due) {
      const record: RoundRecord = { height: this.#height + 1n, timeNs, ingress };
      if (await this.#logged(record)) {
        try {
          const executed = await this.#executeRound(record);
          this.#dirty ||= executed > 0;
        } catch (error) {
          this.#dirty = true;
          this.#log(
            `round failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
          );
        }
      }
    } else {
      this.#management.completeStops();
      this.ingress.prune(timeNs, FORGET_DONE_AFTER_NS);
    }
    const tree = buildStateTree({
      timeNs,
      ingress: this.ingress,
      canisters: this.canisters.values(),
      subnetTree: this.#subnetTree,
    });
    this.#certifier.certify(tree, timeNs);
    this.#notifyWaiters();
    if (
      this.#dirty &&
      this.#quiescent &&
      Date.now() - this.#lastCheckpointMs >= CHECKPOINT_INTERVAL_MS
    ) {
      this.#checkpoint(timeNs);
    }
    if (this.#scheduler.hasWork && Date.now() >= this.#logRetryAtMs) {
      this.#requestRound();
    }
    this.#armTimer();
  }

  /**
   * Makes the round's inputs durable before it runs. When the disk refuses, the round does not
   * run: its messages go back to the front of the queue and a retry is scheduled, so nothing
   * is answered that a crash could lose.
   */
  async #logged(record: RoundRecord): Promise<boolean> {
    if (!this.#roundLog) {
      return true;
    }
    try {
      await this.#roundLog.append(record);
      return true;
    } catch (error) {
      this.#pending.unshift(...record.ingress);
      this.#logRetryAtMs = Date.now() + LOG_RETRY_MS;
      this.#log(
        `round ${record.height} postponed: ${error instanceof Error ? error.message : String(error)}`,
      );
      setTimeout(() => this.#requestRound(), LOG_RETRY_MS).unref();
      return false;
    }
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
