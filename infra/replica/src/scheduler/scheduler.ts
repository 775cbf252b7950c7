import { principalToText } from '@citadel/protocol';
import {
  type CallbackRef,
  type ExecutionEntry,
  type ExecutionResult,
  MAINNET_INSTRUCTION_LIMITS,
  type OutgoingCall,
} from '../execution/index.js';
import type { SliceStep } from '../runtime/index.js';
import type { CanisterRecord, InstalledCode } from '../state/canister.js';
import type { CanisterTable } from '../state/canister-table.js';
import type { IngressHistory } from '../state/ingress-history.js';
import type { Reject } from '../state/reject.js';
import { RejectCode, createReject, rejects } from '../state/reject.js';
import { executionCost, ingressInductionCost, outOfCyclesShortfall } from './cycles-fees.js';
import type { ExecutionContextFactory } from './execution-env.js';

/** Where the response of a call context goes. */
type CallOrigin =
  | { readonly kind: 'ingress'; readonly requestId: Uint8Array }
  | { readonly kind: 'canister'; readonly caller: Uint8Array; readonly callbackId: number }
  | { readonly kind: 'system' };

interface CallContext {
  readonly id: number;
  readonly canister: CanisterRecord;
  readonly origin: CallOrigin;
  /** Caller of the call that opened the context (`aaaaa-aa` for system tasks). */
  readonly caller: Uint8Array;
  /** Cycles attached by the caller and not yet accepted. */
  cyclesAvailable: bigint;
  responded: boolean;
  outstanding: number;
  /** Trap of the last execution in this context, reported if the context closes unanswered. */
  lastTrap: Reject | null;
}

interface Callback {
  readonly contextId: number;
  readonly canisterId: Uint8Array;
  readonly reply: CallbackRef;
  readonly reject: CallbackRef;
  readonly cleanup: CallbackRef | undefined;
  readonly cycles: bigint;
}

/** A response as the callee (or the system) produced it. */
export type CallResponse =
  | { readonly kind: 'reply'; readonly data: Uint8Array }
  | { readonly kind: 'reject'; readonly reject: Reject };

type Message =
  | {
      readonly kind: 'call';
      readonly callee: Uint8Array;
      readonly method: string;
      readonly arg: Uint8Array;
      readonly caller: Uint8Array;
      readonly origin: CallOrigin;
      readonly cycles: bigint;
    }
  | {
      readonly kind: 'response';
      readonly callbackId: number;
      readonly response: CallResponse;
      readonly refund: bigint;
    }
  | { readonly kind: 'timer'; readonly canister: CanisterRecord };

/** The management canister as the scheduler sees it: an async request → response function. */
export interface ManagementHandler {
  handle(params: {
    readonly caller: Uint8Array;
    readonly method: string;
    readonly arg: Uint8Array;
    readonly fromCanister: boolean;
    readonly cycles: bigint;
    readonly timeNs: bigint;
  }): Promise<
    | (CallResponse & { readonly consumedCycles?: bigint })
    | { readonly kind: 'deferred'; readonly wait: Promise<CallResponse> }
    /** The target canister is in the middle of a sliced execution: retry in a later round. */
    | { readonly kind: 'busy' }
  >;
}

/** Dependencies of the scheduler; all state lives outside so persistence can see it. */
export interface SchedulerOptions {
  readonly canisters: CanisterTable;
  readonly ingress: IngressHistory;
  readonly management: ManagementHandler;
  readonly env: ExecutionContextFactory;
  /** Upper bound of messages executed in one round, so a ping-pong of calls cannot starve HTTP. */
  readonly maxMessagesPerRound?: number;
  /** Asks the host for another round, e.g. when a deferred management call completes. */
  readonly wake: () => void;
  /** Receives replica faults (a message the replica itself failed to process). */
  readonly log?: (line: string) => void;
  /** Instructions per slice of a long execution. @default MAINNET_INSTRUCTION_LIMITS.slice */
  readonly sliceInstructions?: bigint;
}

const MAX_MESSAGES_PER_ROUND = 10_000;

/** A message whose execution is paused at a slice boundary, waiting for the next round. */
interface PausedMessage {
  /** The message's processing, settled when its execution finished and its effects applied. */
  readonly done: Promise<void>;
  /** Lets the execution run its next slice. */
  resume(): void;
}

/** The message being driven right now, told when its execution pauses. */
interface Driving {
  paused(resume: () => void, canister: string): void;
}

/** A due timer of a frozen canister waits until the canister is topped up, as on the IC. */
function isTimerDue(canister: CanisterRecord, timeNs: bigint): boolean {
  return (
    canister.globalTimerNs !== 0n &&
    canister.globalTimerNs <= timeNs &&
    canister.status === 'running' &&
    canister.code?.prepared.exports.globalTimer === true &&
    outOfCyclesShortfall(canister, executionCost(0n)) === null
  );
}

/**
 * Executes messages in rounds: ingress calls, inter-canister requests and responses, and due
 * global timers. Each message runs to completion on one canister; calls it performed are
 * delivered afterwards as separate messages (interface spec "call_perform": sent only if the
 * execution finishes without trapping).
 */
export class Scheduler {
  readonly #opts: SchedulerOptions;
  readonly #queue: Message[] = [];
  readonly #contexts = new Map<number, CallContext>();
  readonly #callbacks = new Map<number, Callback>();
  #nextContextId = 1;
  #nextCallbackId = 1;
  /** Executions paused at a slice boundary, in the order they paused; one per canister. */
  readonly #paused = new Map<string, PausedMessage>();
  #driving: Driving | undefined;

  constructor(options: SchedulerOptions) {
    this.#opts = options;
  }

  /** True when messages are waiting, so the caller knows another round is useful. */
  get hasWork(): boolean {
    return this.#queue.length > 0 || this.#paused.size > 0;
  }

  /** True while `canisterId` is in the middle of a sliced execution. */
  isBusy(canisterId: Uint8Array): boolean {
    return this.#paused.has(principalToText(canisterId));
  }

  /**
   * True when nothing is in flight: no queued message, open call context or pending callback.
   * Only such a state can be checkpointed, because call contexts are not part of a checkpoint.
   */
  get isQuiescent(): boolean {
    return (
      this.#queue.length === 0 &&
      this.#paused.size === 0 &&
      this.#contexts.size === 0 &&
      this.#callbacks.size === 0
    );
  }

  /** True when a round at `timeNs` would fire some canister's global timer. */
  hasDueTimer(timeNs: bigint): boolean {
    for (const canister of this.#opts.canisters.values()) {
      if (isTimerDue(canister, timeNs) && !this.#paused.has(canister.idText)) {
        return true;
      }
    }
    return false;
  }

  /** Queues an accepted ingress call (its record is already in the ingress history). */
  submitIngress(params: {
    requestId: Uint8Array;
    sender: Uint8Array;
    canisterId: Uint8Array;
    method: string;
    arg: Uint8Array;
  }): void {
    this.#queue.push({
      kind: 'call',
      callee: params.canisterId,
      method: params.method,
      arg: params.arg,
      caller: params.sender,
      origin: { kind: 'ingress', requestId: params.requestId },
      cycles: 0n,
    });
  }

  /**
   * Runs one round at `timeNs`: due timers first, then queued messages until quiet or the
   * bound. Returns how many messages ran, so the host knows whether state may have changed.
   */
  async runRound(timeNs: bigint): Promise<number> {
    for (const canister of this.#opts.canisters.values()) {
      if (isTimerDue(canister, timeNs) && !this.#paused.has(canister.idText)) {
        // The timer is deactivated when it fires (interface spec "Global timer").
        canister.globalTimerNs = 0n;
        this.#queue.push({ kind: 'timer', canister });
      }
    }
    // Paused executions go first, one slice each, in the order they paused (as on the IC).
    const paused = [...this.#paused.values()];
    this.#paused.clear();
    for (const message of paused) {
      await this.#drive(message.done, () => message.resume());
    }
    const limit = this.#opts.maxMessagesPerRound ?? MAX_MESSAGES_PER_ROUND;
    let executed = paused.length;
    // Messages for a canister that is mid-execution wait, in order, for a later round.
    const held: Message[] = [];
    while (executed < limit) {
      const message = this.#queue.shift();
      if (!message) {
        break;
      }
      if (this.#isHeld(message)) {
        held.push(message);
        continue;
      }
      executed++;
      const done = this.#process(message, timeNs).then(
        (outcome) => {
          if (outcome === 'busy') {
            held.push(message);
          }
        },
        (error: unknown) => this.#fault(message, error),
      );
      await this.#drive(done);
    }
    this.#queue.unshift(...held);
    return executed;
  }

  /**
   * Waits until a message's processing is done or its execution paused at a slice boundary;
   * `start` first lets a paused execution go on.
   */
  async #drive(done: Promise<void>, start?: () => void): Promise<void> {
    const paused = new Promise<void>((resolve) => {
      this.#driving = {
        paused: (resume, canister) => {
          this.#paused.set(canister, { done, resume });
          resolve();
        },
      };
    });
    start?.();
    await Promise.race([done, paused]);
    this.#driving = undefined;
  }

  /** True when `message` is for a canister in the middle of a sliced execution. */
  #isHeld(message: Message): boolean {
    if (this.#paused.size === 0) {
      return false;
    }
    switch (message.kind) {
      case 'call':
        // Management calls are checked by the management canister (it knows their target).
        return message.callee.length > 0 && this.isBusy(message.callee);
      case 'response': {
        const callback = this.#callbacks.get(message.callbackId);
        return callback !== undefined && this.isBusy(callback.canisterId);
      }
      case 'timer':
        return this.#paused.has(message.canister.idText);
    }
  }

  /**
   * A message the replica failed to process (not a canister trap: e.g. a canister's thread
   * died). The round goes on with the next message, and a call is answered with a reject
   * rather than left open for ever.
   */
  #fault(message: Message, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.#opts.log?.(
      `failed to process a ${message.kind} message: ${error instanceof Error ? (error.stack ?? reason) : reason}`,
    );
    if (message.kind !== 'call') {
      return;
    }
    const callee = message.callee.length === 0 ? 'aaaaa-aa' : principalToText(message.callee);
    this.#respondToOrigin(
      message.origin,
      {
        kind: 'reject',
        reject: createReject(
          'IC0502',
          `Error from Canister ${callee}: Canister trapped: the local replica failed to execute the message (${reason}). See the network log.`,
        ),
      },
      message.cycles,
    );
  }

  /** Earliest armed global timer, so the host can wake up for it. */
  nextTimerNs(): bigint | null {
    let next: bigint | null = null;
    for (const canister of this.#opts.canisters.values()) {
      if (canister.globalTimerNs !== 0n && (next === null || canister.globalTimerNs < next)) {
        next = canister.globalTimerNs;
      }
    }
    return next;
  }

  async #process(message: Message, timeNs: bigint): Promise<void | 'busy'> {
    switch (message.kind) {
      case 'call':
        return this.#processCall(message, timeNs);
      case 'response':
        return this.#processResponse(message, timeNs);
      case 'timer':
        return this.#processTimer(message.canister, timeNs);
    }
  }

  async #processCall(
    message: Extract<Message, { kind: 'call' }>,
    timeNs: bigint,
  ): Promise<void | 'busy'> {
    if (message.origin.kind === 'ingress') {
      const record = this.#opts.ingress.get(message.origin.requestId);
      if (record?.state.status === 'received') {
        record.state = { status: 'processing' };
      }
    }
    if (message.callee.length === 0) {
      const fromCanister = message.origin.kind === 'canister';
      const result = await this.#opts.management.handle({
        caller: message.caller,
        method: message.method,
        arg: message.arg,
        fromCanister,
        cycles: message.cycles,
        timeNs,
      });
      if (result.kind === 'busy') {
        return 'busy';
      }
      if (result.kind === 'deferred') {
        void result.wait.then((response) => {
          this.#respondToOrigin(message.origin, response, 0n);
          this.#opts.wake();
        });
        return;
      }
      // Whatever the management canister did not keep (e.g. for create_canister or
      // deposit_cycles) goes back to the caller with the response.
      const { consumedCycles = 0n, ...response } = result;
      this.#respondToOrigin(message.origin, response, message.cycles - consumedCycles);
      return;
    }
    const target = this.#runnable(message.callee);
    if (target.kind === 'refused') {
      this.#respondToOrigin(
        message.origin,
        { kind: 'reject', reject: target.reject },
        message.cycles,
      );
      return;
    }
    const { canister, code } = target;
    // A frozen canister takes no new calls; induction and a minimal execution must be payable.
    const induction =
      message.origin.kind === 'ingress'
        ? ingressInductionCost(message.method, message.arg.length)
        : 0n;
    const shortfall = outOfCyclesShortfall(canister, induction + executionCost(0n));
    if (shortfall !== null) {
      this.#respondToOrigin(
        message.origin,
        { kind: 'reject', reject: rejects.outOfCycles(canister.idText, shortfall) },
        message.cycles,
      );
      return;
    }
    canister.cyclesBalance -= induction;
    const { methods } = code.prepared;
    let entry: ExecutionEntry;
    if (methods.update.has(message.method)) {
      entry = {
        kind: 'update',
        method: message.method,
        arg: message.arg,
        caller: message.caller,
        cyclesAvailable: message.cycles,
      };
    } else if (methods.query.has(message.method)) {
      entry = {
        kind: 'query',
        method: message.method,
        arg: message.arg,
        caller: message.caller,
        mode: 'replicated',
      };
    } else {
      this.#respondToOrigin(
        message.origin,
        {
          kind: 'reject',
          reject: rejects.methodNotFound(canister.idText, 'update', message.method),
        },
        message.cycles,
      );
      return;
    }
    const context = this.#openContext(canister, message.origin, message.caller, message.cycles);
    const result = await this.#execute(canister, code, entry, timeNs);
    context.cyclesAvailable -= result.effects.cyclesAccepted;
    this.#settle(context, result, timeNs);
  }

  async #processResponse(
    message: Extract<Message, { kind: 'response' }>,
    timeNs: bigint,
  ): Promise<void> {
    const callback = this.#callbacks.get(message.callbackId);
    if (!callback) {
      return;
    }
    this.#callbacks.delete(message.callbackId);
    const context = this.#contexts.get(callback.contextId);
    const canister = this.#opts.canisters.get(callback.canisterId);
    const code = canister?.code;
    if (!context || !canister || !code) {
      // The caller was uninstalled or deleted while the call was in flight: the response is dropped.
      return;
    }
    context.outstanding -= 1;
    canister.cyclesBalance += message.refund;
    const callContext = {
      caller: context.caller,
      responded: context.responded,
      cyclesAvailable: context.cyclesAvailable,
    };
    const response = message.response;
    const entry: ExecutionEntry =
      response.kind === 'reply'
        ? {
            kind: 'reply_callback',
            callback: callback.reply,
            data: response.data,
            refundedCycles: message.refund,
            callContext,
          }
        : {
            kind: 'reject_callback',
            callback: callback.reject,
            rejectCode: response.reject.code,
            rejectMessage: response.reject.message,
            refundedCycles: message.refund,
            callContext,
          };
    const result = await this.#execute(canister, code, entry, timeNs);
    if (result.outcome.kind === 'trapped' && callback.cleanup) {
      // A trapping callback's cleanup runs with its own rollback (interface spec "call_on_cleanup").
      await this.#execute(
        canister,
        code,
        {
          kind: 'cleanup',
          callback: callback.cleanup,
          rejectCode: response.kind === 'reject' ? response.reject.code : 0,
          callContext,
        },
        timeNs,
      );
    } else {
      context.cyclesAvailable -= result.effects.cyclesAccepted;
    }
    this.#settle(context, result, timeNs);
  }

  async #processTimer(canister: CanisterRecord, timeNs: bigint): Promise<void> {
    const code = canister.code;
    if (!code) {
      return;
    }
    const context = this.#openContext(canister, { kind: 'system' }, new Uint8Array(0), 0n);
    const result = await this.#execute(canister, code, { kind: 'global_timer' }, timeNs);
    this.#settle(context, result, timeNs);
  }

  /** The canister with its code if it can take a call now, else the IC's reason why not. */
  #runnable(
    id: Uint8Array,
  ):
    | { readonly kind: 'runnable'; readonly canister: CanisterRecord; readonly code: InstalledCode }
    | { readonly kind: 'refused'; readonly reject: Reject } {
    const canister = this.#opts.canisters.get(id);
    if (!canister) {
      return { kind: 'refused', reject: rejects.canisterNotFound(principalToText(id)) };
    }
    if (canister.status === 'stopped') {
      return { kind: 'refused', reject: rejects.canisterStopped(canister.idText) };
    }
    if (canister.status === 'stopping') {
      return { kind: 'refused', reject: rejects.canisterStopping(canister.idText) };
    }
    if (!canister.code) {
      return { kind: 'refused', reject: rejects.canisterEmpty(canister.idText) };
    }
    return { kind: 'runnable', canister, code: canister.code };
  }

  /** Checks an ingress call before it is accepted, as the IC does before inducting it. */
  ingressRefusal(canisterId: Uint8Array, method: string, argBytes = 0): Reject | null {
    if (canisterId.length === 0) {
      return null;
    }
    const target = this.#runnable(canisterId);
    if (target.kind === 'refused') {
      return target.reject;
    }
    const { methods } = target.code.prepared;
    if (!methods.update.has(method) && !methods.query.has(method)) {
      return rejects.methodNotFound(target.canister.idText, 'update', method);
    }
    const shortfall = outOfCyclesShortfall(
      target.canister,
      ingressInductionCost(method, argBytes) + executionCost(0n),
    );
    return shortfall === null ? null : rejects.outOfCycles(target.canister.idText, shortfall);
  }

  /**
   * Runs an execution slice by slice: when it pauses, the round goes on with other messages
   * (see {@link #drive}) and the execution waits for the next round to resume it.
   */
  async #runSliced(
    canister: CanisterRecord,
    code: InstalledCode,
    entry: ExecutionEntry,
    timeNs: bigint,
  ): Promise<ExecutionResult> {
    const env = this.#opts.env.create(canister, timeNs);
    let step = await code.instance.executeSliced(
      entry,
      env,
      this.#opts.sliceInstructions ?? MAINNET_INSTRUCTION_LIMITS.slice,
    );
    while (step.kind === 'paused') {
      const { resume } = step;
      const driving = this.#driving;
      if (driving === undefined) {
        throw new Error('an execution paused while no message was being driven');
      }
      step = await new Promise<SliceStep>((resolve) => {
        driving.paused(() => resolve(resume()), canister.idText);
      });
    }
    return step.result;
  }

  async #execute(
    canister: CanisterRecord,
    code: InstalledCode,
    entry: ExecutionEntry,
    timeNs: bigint,
  ): Promise<ExecutionResult> {
    const result = await this.#runSliced(canister, code, entry, timeNs);
    // Every replicated execution is paid for, trapped or not; never below zero.
    const cost = executionCost(result.instructions);
    canister.cyclesBalance -= cost < canister.cyclesBalance ? cost : canister.cyclesBalance;
    if (result.outcome.kind !== 'trapped' && entry.kind !== 'query') {
      const { effects } = result;
      if (effects.certifiedData) {
        canister.certifiedData = effects.certifiedData;
      }
      if (effects.globalTimerNs !== undefined) {
        canister.globalTimerNs = effects.globalTimerNs;
      }
      canister.cyclesBalance += effects.cyclesAccepted - effects.cyclesBurned - effects.cyclesSent;
      canister.version += 1n;
    }
    return result;
  }

  #openContext(
    canister: CanisterRecord,
    origin: CallOrigin,
    caller: Uint8Array,
    cycles: bigint,
  ): CallContext {
    const context: CallContext = {
      id: this.#nextContextId++,
      canister,
      origin,
      caller,
      cyclesAvailable: cycles,
      // A system task has nobody to answer (interface spec: timers cannot reply).
      responded: origin.kind === 'system',
      outstanding: 0,
      lastTrap: null,
    };
    this.#contexts.set(context.id, context);
    canister.openCallContexts += 1;
    return context;
  }

  /** Applies what an execution in `context` produced: its response and the calls it performed. */
  #settle(context: CallContext, result: ExecutionResult, timeNs: bigint): void {
    const { outcome } = result;
    const canister = context.canister;
    if (outcome.kind === 'trapped') {
      context.lastTrap = createReject(
        outcome.icErrorCode,
        `Error from Canister ${canister.idText}: ${outcome.message}`,
      );
    } else {
      for (const call of result.effects.calls) {
        this.#perform(context, call);
      }
      if (outcome.kind === 'replied' || outcome.kind === 'rejected') {
        context.responded = true;
        const response: CallResponse =
          outcome.kind === 'replied'
            ? { kind: 'reply', data: outcome.data }
            : {
                kind: 'reject',
                reject: {
                  ...rejects.canisterRejected(outcome.message),
                  code: RejectCode.CANISTER_REJECT,
                },
              };
        // Cycles the callee did not accept go back with the response.
        this.#respondToOrigin(context.origin, response, context.cyclesAvailable);
        context.cyclesAvailable = 0n;
      }
    }
    if (context.outstanding === 0) {
      this.#closeContext(context, timeNs);
    }
  }

  #perform(context: CallContext, call: OutgoingCall): void {
    const callbackId = this.#nextCallbackId++;
    this.#callbacks.set(callbackId, {
      contextId: context.id,
      canisterId: context.canister.id,
      reply: call.reply,
      reject: call.reject,
      cleanup: call.cleanup,
      cycles: call.cycles,
    });
    context.outstanding += 1;
    this.#queue.push({
      kind: 'call',
      callee: call.callee,
      method: call.method,
      arg: call.arg,
      caller: context.canister.id,
      origin: { kind: 'canister', caller: context.canister.id, callbackId },
      cycles: call.cycles,
    });
  }

  #closeContext(context: CallContext, _timeNs: bigint): void {
    this.#contexts.delete(context.id);
    context.canister.openCallContexts -= 1;
    if (!context.responded) {
      const reject = context.lastTrap ?? rejects.didNotReply(context.canister.idText);
      this.#respondToOrigin(context.origin, { kind: 'reject', reject }, context.cyclesAvailable);
    }
  }

  #respondToOrigin(origin: CallOrigin, response: CallResponse, refund: bigint): void {
    switch (origin.kind) {
      case 'ingress': {
        const record = this.#opts.ingress.get(origin.requestId);
        if (record) {
          record.state =
            response.kind === 'reply'
              ? { status: 'replied', reply: response.data }
              : { status: 'rejected', reject: response.reject };
        }
        return;
      }
      case 'canister':
        this.#queue.push({ kind: 'response', callbackId: origin.callbackId, response, refund });
        return;
      case 'system':
        return;
    }
  }

  /** Drops the callbacks and open contexts of a canister that is uninstalled or deleted. */
  forgetCanister(canisterId: Uint8Array): void {
    const key = principalToText(canisterId);
    for (const [id, context] of this.#contexts) {
      if (context.canister.idText === key) {
        this.#contexts.delete(id);
        if (!context.responded && context.origin.kind !== 'system') {
          this.#respondToOrigin(
            context.origin,
            {
              kind: 'reject',
              reject: createReject(
                'IC0502',
                `Error from Canister ${key}: Canister has been uninstalled.`,
              ),
            },
            0n,
          );
        }
      }
    }
    for (const [id, callback] of this.#callbacks) {
      if (principalToText(callback.canisterId) === key) {
        this.#callbacks.delete(id);
      }
    }
  }
}
