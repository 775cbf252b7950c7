import { MAINNET_INSTRUCTION_LIMITS } from './instruction-limits.js';
import type { ApiContext } from './system-api-imports.js';
import type { TrapSignal } from './trap.js';
import type {
  CallContextState,
  CallbackRef,
  ExecutionEntry,
  ExecutionEnv,
  OutgoingCall,
} from './types.js';

/**
 * Everything one execution can observe or change through `ic0`. A fresh state is built for
 * every `execute`; host functions mutate it; the instance reads the effects back only when
 * the execution commits.
 */

/** Reply limit in replicated executions: 2 MiB (interface spec "Responding", ic-protocol.md §7.4). */
export const MAX_REPLY_BYTES_REPLICATED = 2 * 1024 * 1024;
/** Reply limit of non-replicated queries: 3 MiB (IC `MAX_NON_REPLICATED_QUERY_REPLY_SIZE`). */
export const MAX_REPLY_BYTES_NON_REPLICATED = 3 * 1024 * 1024;

/** A call between `ic0.call_new` and `ic0.call_perform`. */
export interface PendingCall {
  readonly callee: Uint8Array;
  readonly method: string;
  readonly reply: CallbackRef;
  readonly reject: CallbackRef;
  cleanup: CallbackRef | undefined;
  timeoutSeconds: number | undefined;
  readonly argChunks: Uint8Array[];
  argBytes: number;
  cycles: bigint;
}

/** The mutable per-execution state behind the System API. */
export interface ExecutionState {
  readonly context: ApiContext;
  /** The IC's name for the context in contract-violation messages (e.g. "non replicated query"). */
  readonly modeName: string;
  readonly env: ExecutionEnv;
  readonly arg: Uint8Array;
  readonly caller: Uint8Array;
  /** 0 in reply callbacks (and cleanups after them); the reject code in reject callbacks. */
  readonly rejectCode: number;
  readonly rejectMessage: Uint8Array;
  /** inspect_message: the method being inspected, UTF-8. */
  readonly methodName: Uint8Array;
  readonly dataCertificate: Uint8Array | undefined;
  readonly deadlineNs: bigint;
  readonly refundedCycles: bigint;
  readonly instructionsBefore: bigint;
  readonly maxReplyBytes: number;
  /** True once a response was given or when there is nobody to respond to. */
  responded: boolean;
  readonly replyChunks: Uint8Array[];
  replyBytes: number;
  response:
    { kind: 'replied'; data: Uint8Array } | { kind: 'rejected'; message: string } | undefined;
  cyclesAvailable: bigint;
  cyclesAccepted: bigint;
  cyclesBurned: bigint;
  cyclesSent: bigint;
  /** Visible balance: env balance + accepted − burned − sent − attached to the pending call. */
  balance: bigint;
  /** Part of `balance` the canister cannot spend (`ExecutionEnv.freezingReserve`). */
  readonly reserve: bigint;
  pendingCall: PendingCall | undefined;
  readonly calls: OutgoingCall[];
  certifiedData: Uint8Array | undefined;
  globalTimerNs: bigint;
  timerChanged: boolean;
  acceptedMessage: boolean;
  /** Instructions this execution used, set when it ends (see `HostBinding.instructions`). */
  instructions: bigint;
  /** Set when a host function raised a trap, so a trap swallowed by Wasm code still counts. */
  trap: TrapSignal | undefined;
}

const EMPTY = new Uint8Array(0);
const utf8 = new TextEncoder();
const DEFAULT_CALL_CONTEXT: CallContextState = {
  caller: EMPTY,
  responded: false,
  cyclesAvailable: 0n,
};

interface ContextInfo {
  readonly context: ApiContext;
  readonly modeName: string;
}

/** The context and IC mode name of an entry (IC `ApiType::as_str`). */
export function contextOf(entry: ExecutionEntry): ContextInfo {
  switch (entry.kind) {
    case 'init':
    case 'post_upgrade':
      return { context: 'I', modeName: 'init' };
    case 'pre_upgrade':
      return { context: 'G', modeName: 'pre upgrade' };
    case 'update':
      return { context: 'U', modeName: 'update' };
    case 'query':
      return entry.mode === 'replicated'
        ? { context: 'RQ', modeName: 'replicated query' }
        : { context: 'NRQ', modeName: 'non replicated query' };
    case 'composite_query':
      return { context: 'CQ', modeName: 'composite query' };
    case 'inspect_message':
      return { context: 'F', modeName: 'inspect message' };
    case 'reply_callback':
      return { context: 'Ry', modeName: 'reply callback' };
    case 'reject_callback':
      return { context: 'Rt', modeName: 'reject callback' };
    case 'cleanup':
      return { context: 'C', modeName: 'cleanup' };
    case 'global_timer':
      return { context: 'T', modeName: 'global timer' };
    case 'heartbeat':
      return { context: 'T', modeName: 'heartbeat' };
    case 'on_low_wasm_memory':
      return { context: 'T', modeName: 'on low Wasm memory' };
  }
}

/** True for contexts whose state changes persist when they succeed (spec "in replicated mode"). */
export function isPersistentContext(context: ApiContext): boolean {
  return ['I', 'G', 'U', 'Ry', 'Rt', 'C', 'T'].includes(context);
}

/** Builds the state for one execution of `entry`. */
export function createExecutionState(entry: ExecutionEntry, env: ExecutionEnv): ExecutionState {
  const { context, modeName } = contextOf(entry);
  let arg: Uint8Array = EMPTY;
  let caller: Uint8Array = EMPTY;
  let rejectCode = 0;
  let rejectMessage: Uint8Array = EMPTY;
  let methodName: Uint8Array = EMPTY;
  let dataCertificate: Uint8Array | undefined;
  let deadlineNs = 0n;
  let refundedCycles = 0n;
  let instructionsBefore = 0n;
  let cyclesAvailable = 0n;
  // Entry points that have nobody to answer start as "responded" so that replying traps.
  let responded = true;
  let maxReplyBytes = MAX_REPLY_BYTES_REPLICATED;

  switch (entry.kind) {
    case 'init':
    case 'post_upgrade':
      arg = entry.arg;
      caller = entry.caller;
      break;
    case 'pre_upgrade':
      caller = entry.caller;
      break;
    case 'update':
      arg = entry.arg;
      caller = entry.caller;
      cyclesAvailable = entry.cyclesAvailable ?? 0n;
      deadlineNs = entry.deadlineNs ?? 0n;
      responded = false;
      break;
    case 'query':
      arg = entry.arg;
      caller = entry.caller;
      responded = false;
      if (entry.mode === 'replicated') {
        cyclesAvailable = entry.cyclesAvailable ?? 0n;
      } else {
        dataCertificate = entry.dataCertificate;
        maxReplyBytes = MAX_REPLY_BYTES_NON_REPLICATED;
      }
      break;
    case 'composite_query':
      arg = entry.arg;
      caller = entry.caller;
      responded = false;
      maxReplyBytes = MAX_REPLY_BYTES_NON_REPLICATED;
      break;
    case 'inspect_message':
      arg = entry.arg;
      caller = entry.caller;
      methodName = utf8.encode(entry.method);
      break;
    case 'reply_callback':
    case 'reject_callback':
    case 'cleanup': {
      const cc = entry.callContext ?? DEFAULT_CALL_CONTEXT;
      caller = cc.caller;
      responded = cc.responded;
      cyclesAvailable = cc.cyclesAvailable;
      deadlineNs = cc.deadlineNs ?? 0n;
      instructionsBefore = cc.instructionsBefore ?? 0n;
      if (entry.kind === 'reply_callback') {
        arg = entry.data;
        refundedCycles = entry.refundedCycles;
      } else if (entry.kind === 'reject_callback') {
        rejectCode = entry.rejectCode;
        rejectMessage = utf8.encode(entry.rejectMessage);
        refundedCycles = entry.refundedCycles;
      } else {
        rejectCode = entry.rejectCode ?? 0;
        responded = true;
      }
      break;
    }
    case 'global_timer':
    case 'heartbeat':
    case 'on_low_wasm_memory':
      // System tasks run with the management canister (empty principal) as caller.
      caller = EMPTY;
      break;
  }

  return {
    context,
    modeName,
    env,
    arg,
    caller,
    rejectCode,
    rejectMessage,
    methodName,
    dataCertificate,
    deadlineNs,
    refundedCycles,
    instructionsBefore,
    maxReplyBytes,
    responded,
    replyChunks: [],
    replyBytes: 0,
    response: undefined,
    cyclesAvailable,
    cyclesAccepted: 0n,
    cyclesBurned: 0n,
    cyclesSent: 0n,
    balance: env.cyclesBalance,
    reserve: env.freezingReserve ?? 0n,
    pendingCall: undefined,
    calls: [],
    certifiedData: undefined,
    globalTimerNs: env.globalTimerNs,
    timerChanged: false,
    acceptedMessage: false,
    instructions: 0n,
    trap: undefined,
  };
}

/** State for the Wasm `(start)` function, which only sees stable memory, controllers and logs. */
export function createStartState(
  controllers: readonly Uint8Array[],
  debugPrint: ((text: string) => void) | undefined,
): ExecutionState {
  const env: ExecutionEnv = {
    canisterId: EMPTY,
    timeNs: 0n,
    controllers,
    rootKeyDer: EMPTY,
    cyclesBalance: 0n,
    canisterVersion: 0n,
    status: 'running',
    subnetId: EMPTY,
    globalTimerNs: 0n,
    // `(start)` runs as part of an install, under the install limit.
    instructionLimit: MAINNET_INSTRUCTION_LIMITS.install,
    ...(debugPrint === undefined ? {} : { debugPrint }),
  };
  return {
    ...createExecutionState({ kind: 'heartbeat' }, env),
    context: 's',
    modeName: 'start',
  };
}
