import type { ExecutionState, PendingCall } from './execution-state.js';
import type { StableMemory } from './stable-memory.js';
import { SYSTEM_API } from './system-api-imports.js';
import {
  type TrapSignal,
  calledTrap,
  contractViolation,
  instructionLimitExceeded,
  trapped,
  wrongContext,
} from './trap.js';
import { WASM_PAGE_BYTES } from './wasm-js-api.js';

/**
 * The `ic0` host functions (interface spec canister-interface.md "System API"; ic-protocol.md
 * §7.2). JS/Wasm ABI facts (pitfall 14): i32 arguments arrive as signed numbers (pointers and
 * sizes are read with `>>> 0`), i64 arguments as signed BigInts (`BigInt.asUintN(64, …)`), and
 * i64 results must be BigInts. Every memory access is bounds-checked against the current
 * memory size and traps instead of throwing a host error.
 *
 * Instructions: the module meters its own Wasm instructions (`instrument-module.ts`); each
 * System API call adds 1 more, plus 1 per byte it copies across the boundary.
 */

/** What the host functions need from the instance. */
export interface HostBinding {
  /** The execution currently running (the `(start)` state during instantiation). */
  state(): ExecutionState;
  /** A view over the current Wasm memory (re-read after every grow). */
  heap(): Uint8Array;
  stable(): StableMemory;
  /** The execution's instruction counter, shared with the instrumented module. */
  readonly instructions: {
    used(): bigint;
    /** Subtracts `amount`; false once the execution is over its limit. */
    charge(amount: bigint): boolean;
  };
}

/** Host functions by `ic0` name. */
export type SystemApiFunctions = Record<string, (...args: never[]) => unknown>;

const MAX_PRINCIPAL_BYTES = 29;
/** Same-subnet request payload limit (ic-protocol.md §7.4: 2 MiB × 5 on the local subnet). */
const MAX_CALL_PAYLOAD_BYTES = 10 * 1024 * 1024;
/** `MAX_CALL_TIMEOUT` for bounded-wait calls (interface spec constants: 300 s). */
const MAX_CALL_TIMEOUT_SECONDS = 300;
const CERTIFIED_DATA_MAX_BYTES = 32;
const U64_MAX = (1n << 64n) - 1n;
const FOUR_GIB_PAGES = (4 * 1024 * 1024 * 1024) / WASM_PAGE_BYTES;
/** 13-node application subnet fees (IC cycles-account-manager defaults), used by `cost_*`. */
const FEES = {
  xnetCall: 260_000n,
  xnetByte: 1_000n,
  createCanister: 500_000_000_000n,
  httpBase: 3_000_000n,
  httpPerNode: 60_000n,
  httpRequestByte: 400n,
  httpResponseByte: 800n,
  subnetSize: 13n,
} as const;
/** Threshold-key fees by key name (ECDSA, Schnorr and vetKD use the same schedule). */
const KEY_FEES: ReadonlyMap<string, bigint> = new Map([
  ['dfx_test_key', 10_000_000_000n],
  ['test_key_1', 10_000_000_000n],
  ['key_1', 26_153_846_153n],
]);

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const utf8Lossy = new TextDecoder('utf-8');
const utf8 = new TextEncoder();

/** Builds the `ic0` import object for one instance. */
export function createSystemApi(binding: HostBinding): SystemApiFunctions {
  /** Context check and base charge; every host function starts here. */
  const enter = (name: string): ExecutionState => {
    const state = binding.state();
    if (state.trap !== undefined) {
      // The module caught our trap (e.g. with exception handling) and kept going.
      throw state.trap;
    }
    const spec = SYSTEM_API.get(name);
    if (spec === undefined || !spec.contexts.has(state.context)) {
      throw raise(state, wrongContext(name, state.modeName));
    }
    charge(state, 1n);
    return state;
  };

  const raise = (state: ExecutionState, signal: TrapSignal): TrapSignal => {
    state.trap = signal;
    return signal;
  };

  const charge = (state: ExecutionState, amount: bigint) => {
    if (!binding.instructions.charge(amount)) {
      throw raise(state, instructionLimitExceeded(state.env.instructionLimit));
    }
  };

  /** Bytes `[src, src+size)` of the heap, copied; traps like the IC's `valid_subslice`. */
  const readHeap = (state: ExecutionState, src: number, size: number, what: string) => {
    const heap = binding.heap();
    const from = src >>> 0;
    const length = size >>> 0;
    if (from + length > heap.length) {
      throw raise(
        state,
        contractViolation(
          `${what}: src=${from} + length=${length} exceeds the slice size=${heap.length}`,
        ),
      );
    }
    charge(state, BigInt(length));
    return heap.slice(from, from + length);
  };

  /** The generic `_copy(dst, offset, size)` of a blob (spec "Blob-typed arguments"). */
  const copyBlob = (
    state: ExecutionState,
    blob: Uint8Array,
    dst: number,
    offset: number,
    size: number,
    name: string,
  ) => {
    const heap = binding.heap();
    const to = dst >>> 0;
    const from = offset >>> 0;
    const length = size >>> 0;
    if (to + length > heap.length) {
      throw raise(
        state,
        contractViolation(
          `ic0.${name} heap: src=${to} + length=${length} exceeds the slice size=${heap.length}`,
        ),
      );
    }
    if (from + length > blob.length) {
      throw raise(
        state,
        contractViolation(
          `ic0.${name} payload: src=${from} + length=${length} exceeds the slice size=${blob.length}`,
        ),
      );
    }
    charge(state, BigInt(length));
    heap.set(blob.subarray(from, from + length), to);
  };

  /** Writes a u128 as 16 little-endian bytes (spec: 128-bit values in memory). */
  const writeU128 = (state: ExecutionState, dst: number, value: bigint, name: string) => {
    const heap = binding.heap();
    const to = dst >>> 0;
    if (to + 16 > heap.length) {
      throw raise(
        state,
        contractViolation(
          `ic0_${name} failed because dst + size is out of bounds. Found dst = ${to} and size = 16 while must be <= ${heap.length}`,
        ),
      );
    }
    let v = value;
    for (let i = 0; i < 16; i++) {
      heap[to + i] = Number(v & 0xffn);
      v >>= 8n;
    }
  };

  const u64 = (value: bigint) => BigInt.asUintN(64, value);
  const u128 = (high: bigint, low: bigint) => (u64(high) << 64n) | u64(low);
  const fitsU64 = (state: ExecutionState, value: bigint) => {
    if (value > U64_MAX) {
      throw raise(state, trapped('cycles amount exceeds 64-bit representation'));
    }
    return value;
  };

  const principalFromHeap = (
    state: ExecutionState,
    src: number,
    size: number,
    name: string,
  ): Uint8Array => {
    const bytes = readHeap(state, src, size, `ic0.${name} heap`);
    if (bytes.length > MAX_PRINCIPAL_BYTES) {
      throw raise(
        state,
        contractViolation(
          `ic0.${name}: invalid principal id: ${bytes.length} bytes exceed the maximum of ${MAX_PRINCIPAL_BYTES}`,
        ),
      );
    }
    return bytes;
  };

  const pendingCall = (state: ExecutionState, name: string): PendingCall => {
    if (state.pendingCall === undefined) {
      throw raise(
        state,
        contractViolation(`ic0.${name} called when no call is under construction.`),
      );
    }
    return state.pendingCall;
  };

  /** What the canister may spend: its balance above the freezing reserve. */
  const liquid = (state: ExecutionState) =>
    state.balance > state.reserve ? state.balance - state.reserve : 0n;

  /** Cycles attached with `call_cycles_add*`: deducted now, refunded if the call is dropped. */
  const addCallCycles = (state: ExecutionState, amount: bigint, name: string) => {
    const call = pendingCall(state, name);
    if (amount > liquid(state)) {
      throw raise(
        state,
        contractViolation(
          `ic0.${name}: cannot attach ${amount} cycles, the canister's liquid balance is ${liquid(state)}.`,
        ),
      );
    }
    state.balance -= amount;
    call.cycles += amount;
  };

  const dropPendingCall = (state: ExecutionState) => {
    if (state.pendingCall !== undefined) {
      state.balance += state.pendingCall.cycles;
      state.pendingCall = undefined;
    }
  };

  const acceptCycles = (state: ExecutionState, max: bigint) => {
    const amount = max < state.cyclesAvailable ? max : state.cyclesAvailable;
    state.cyclesAvailable -= amount;
    state.cyclesAccepted += amount;
    state.balance += amount;
    return amount;
  };

  const respond = (state: ExecutionState, name: string) => {
    if (state.responded) {
      throw raise(state, contractViolation(`ic0.${name}: the call is already replied`));
    }
  };

  const stableOutOfBounds = (state: ExecutionState) =>
    raise(state, trapped('stable memory out of bounds'));
  const heapOutOfBounds = (state: ExecutionState) => raise(state, trapped('heap out of bounds'));

  const stableWrite = (state: ExecutionState, offset: bigint, src: bigint, size: bigint) => {
    const heap = binding.heap();
    if (src + size > BigInt(heap.length)) {
      throw heapOutOfBounds(state);
    }
    if (!binding.stable().contains(offset, size)) {
      throw stableOutOfBounds(state);
    }
    charge(state, size);
    binding.stable().write(Number(offset), heap.subarray(Number(src), Number(src + size)));
  };

  const stableRead = (state: ExecutionState, dst: bigint, offset: bigint, size: bigint) => {
    const heap = binding.heap();
    if (dst + size > BigInt(heap.length)) {
      throw heapOutOfBounds(state);
    }
    if (!binding.stable().contains(offset, size)) {
      throw stableOutOfBounds(state);
    }
    charge(state, size);
    binding.stable().readInto(Number(offset), Number(size), heap, Number(dst));
  };

  const check32BitStable = (state: ExecutionState) => {
    if (binding.stable().sizePages > FOUR_GIB_PAGES) {
      throw raise(state, trapped('32 bit stable memory api used on a memory larger than 4GB'));
    }
  };

  const envVars = (state: ExecutionState) =>
    // The IC keeps environment variables in a BTreeMap, so indices follow name order.
    [...(state.env.environmentVariables ?? [])].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );

  const envVarName = (state: ExecutionState, src: number, size: number, name: string) => {
    if (size >>> 0 > 128) {
      throw raise(state, contractViolation(`ic0.${name}: Variable name is too large.`));
    }
    const bytes = readHeap(state, src, size, `ic0.${name} heap`);
    try {
      return utf8Strict.decode(bytes);
    } catch {
      throw raise(
        state,
        contractViolation(`ic0.${name}: Variable name is not a valid UTF-8 string.`),
      );
    }
  };

  const envVarValue = (state: ExecutionState, src: number, size: number, name: string) => {
    const key = envVarName(state, src, size, name);
    const found = envVars(state).find((v) => v.name === key);
    if (found === undefined) {
      throw raise(
        state,
        contractViolation(`ic0.${name}: environment variable "${key}" does not exist.`),
      );
    }
    return utf8.encode(found.value);
  };

  const keyCost = (
    state: ExecutionState,
    src: number,
    size: number,
    curveOrAlgorithm: number,
    validCurves: readonly number[],
    dst: number,
    name: string,
  ) => {
    const bytes = readHeap(state, src, size, `ic0.${name} heap`);
    let keyName: string;
    try {
      keyName = utf8Strict.decode(bytes);
    } catch {
      throw raise(state, contractViolation(`Failed to decode key name ${utf8Lossy.decode(bytes)}`));
    }
    if (!validCurves.includes(curveOrAlgorithm >>> 0)) {
      return 1;
    }
    const fee = KEY_FEES.get(keyName);
    if (fee === undefined) {
      return 2;
    }
    writeU128(state, dst, fee, name);
    return 0;
  };

  const lossyText = (src: number, size: number, fallback: string) => {
    const heap = binding.heap();
    const from = src >>> 0;
    const length = size >>> 0;
    return from + length > heap.length
      ? fallback
      : utf8Lossy.decode(heap.subarray(from, from + length));
  };

  return {
    msg_arg_data_size: () => enter('msg_arg_data_size').arg.length,
    msg_arg_data_copy: (dst: number, offset: number, size: number) => {
      const s = enter('msg_arg_data_copy');
      copyBlob(s, s.arg, dst, offset, size, 'msg_arg_data_copy');
    },
    msg_caller_size: () => enter('msg_caller_size').caller.length,
    msg_caller_copy: (dst: number, offset: number, size: number) => {
      const s = enter('msg_caller_copy');
      copyBlob(s, s.caller, dst, offset, size, 'msg_caller_copy');
    },
    // Caller info is only set for canister-signature callers with `sender_info`; never here.
    msg_caller_info_data_size: () => {
      enter('msg_caller_info_data_size');
      return 0;
    },
    msg_caller_info_data_copy: (dst: number, offset: number, size: number) => {
      const s = enter('msg_caller_info_data_copy');
      copyBlob(s, new Uint8Array(0), dst, offset, size, 'msg_caller_info_data_copy');
    },
    msg_caller_info_signer_size: () => {
      enter('msg_caller_info_signer_size');
      return 0;
    },
    msg_caller_info_signer_copy: (dst: number, offset: number, size: number) => {
      const s = enter('msg_caller_info_signer_copy');
      copyBlob(s, new Uint8Array(0), dst, offset, size, 'msg_caller_info_signer_copy');
    },
    msg_reject_code: () => enter('msg_reject_code').rejectCode,
    msg_reject_msg_size: () => enter('msg_reject_msg_size').rejectMessage.length,
    msg_reject_msg_copy: (dst: number, offset: number, size: number) => {
      const s = enter('msg_reject_msg_copy');
      copyBlob(s, s.rejectMessage, dst, offset, size, 'msg_reject_msg_copy');
    },
    msg_deadline: () => enter('msg_deadline').deadlineNs,

    msg_reply_data_append: (src: number, size: number) => {
      const s = enter('msg_reply_data_append');
      if (s.responded) {
        throw raise(
          s,
          contractViolation('ic0.msg_reply_data_append: the call is already replied.'),
        );
      }
      const total = s.replyBytes + (size >>> 0);
      if (total > s.maxReplyBytes) {
        throw raise(
          s,
          contractViolation(
            `ic0.msg_reply_data_append: application payload size (${total}) cannot be larger than ${s.maxReplyBytes}.`,
          ),
        );
      }
      s.replyChunks.push(readHeap(s, src, size, 'msg.reply'));
      s.replyBytes = total;
    },
    msg_reply: () => {
      const s = enter('msg_reply');
      respond(s, 'msg_reply');
      const data = new Uint8Array(s.replyBytes);
      let at = 0;
      for (const chunk of s.replyChunks) {
        data.set(chunk, at);
        at += chunk.length;
      }
      s.response = { kind: 'replied', data };
      s.responded = true;
      // Responding refunds whatever was not accepted (spec "Cycles").
      s.cyclesAvailable = 0n;
    },
    msg_reject: (src: number, size: number) => {
      const s = enter('msg_reject');
      respond(s, 'msg_reject');
      if (size >>> 0 > s.maxReplyBytes) {
        throw raise(
          s,
          contractViolation(
            `ic0.msg_reject: application payload size (${size >>> 0}) cannot be larger than ${s.maxReplyBytes}.`,
          ),
        );
      }
      const bytes = readHeap(s, src, size, 'ic0.msg_reject');
      let message: string;
      try {
        message = utf8Strict.decode(bytes);
      } catch {
        throw raise(s, contractViolation('ic0.msg_reject: invalid UTF-8 string provided'));
      }
      s.response = { kind: 'rejected', message };
      s.responded = true;
      s.cyclesAvailable = 0n;
    },

    msg_cycles_available128: (dst: number) => {
      const s = enter('msg_cycles_available128');
      writeU128(s, dst, s.cyclesAvailable, 'msg_cycles_available128');
    },
    msg_cycles_refunded128: (dst: number) => {
      const s = enter('msg_cycles_refunded128');
      writeU128(s, dst, s.refundedCycles, 'msg_cycles_refunded128');
    },
    msg_cycles_accept128: (high: bigint, low: bigint, dst: number) => {
      const s = enter('msg_cycles_accept128');
      writeU128(s, dst, acceptCycles(s, u128(high, low)), 'msg_cycles_accept128');
    },
    cycles_burn128: (high: bigint, low: bigint, dst: number) => {
      const s = enter('cycles_burn128');
      const requested = u128(high, low);
      const spendable = liquid(s);
      const amount = requested < spendable ? requested : spendable;
      s.balance -= amount;
      s.cyclesBurned += amount;
      writeU128(s, dst, amount, 'cycles_burn128');
    },

    // 64-bit variants (wasm32 only); they trap when the amount needs more than 64 bits.
    msg_cycles_available: () => {
      const s = enter('msg_cycles_available');
      return fitsU64(s, s.cyclesAvailable);
    },
    msg_cycles_refunded: () => {
      const s = enter('msg_cycles_refunded');
      return fitsU64(s, s.refundedCycles);
    },
    msg_cycles_accept: (maxAmount: bigint) =>
      acceptCycles(enter('msg_cycles_accept'), u64(maxAmount)),
    canister_cycle_balance: () => {
      const s = enter('canister_cycle_balance');
      return fitsU64(s, s.balance);
    },

    canister_self_size: () => enter('canister_self_size').env.canisterId.length,
    canister_self_copy: (dst: number, offset: number, size: number) => {
      const s = enter('canister_self_copy');
      copyBlob(s, s.env.canisterId, dst, offset, size, 'canister_self_copy');
    },
    canister_cycle_balance128: (dst: number) => {
      const s = enter('canister_cycle_balance128');
      writeU128(s, dst, s.balance, 'canister_cycle_balance128');
    },
    canister_liquid_cycle_balance128: (dst: number) => {
      const s = enter('canister_liquid_cycle_balance128');
      writeU128(s, dst, liquid(s), 'canister_liquid_cycle_balance128');
    },
    canister_status: () => {
      const status = enter('canister_status').env.status;
      return status === 'running' ? 1 : status === 'stopping' ? 2 : 3;
    },
    canister_version: () => u64(enter('canister_version').env.canisterVersion),
    subnet_self_size: () => enter('subnet_self_size').env.subnetId.length,
    subnet_self_copy: (dst: number, offset: number, size: number) => {
      const s = enter('subnet_self_copy');
      copyBlob(s, s.env.subnetId, dst, offset, size, 'subnet_self_copy');
    },

    msg_method_name_size: () => enter('msg_method_name_size').methodName.length,
    msg_method_name_copy: (dst: number, offset: number, size: number) => {
      const s = enter('msg_method_name_copy');
      copyBlob(s, s.methodName, dst, offset, size, 'msg_method_name_copy');
    },
    accept_message: () => {
      const s = enter('accept_message');
      if (s.acceptedMessage) {
        throw raise(s, contractViolation('ic0.accept_message: the function was already called.'));
      }
      s.acceptedMessage = true;
    },

    call_new: (
      calleeSrc: number,
      calleeSize: number,
      nameSrc: number,
      nameSize: number,
      replyFun: number,
      replyEnv: number,
      rejectFun: number,
      rejectEnv: number,
    ) => {
      const s = enter('call_new');
      // A new call silently discards an unfinished one and refunds its cycles (spec call_new).
      dropPendingCall(s);
      const callee = principalFromHeap(s, calleeSrc, calleeSize, 'call_new');
      const nameBytes = readHeap(s, nameSrc, nameSize, 'ic0.call_new method_name');
      let method: string;
      try {
        method = utf8Strict.decode(nameBytes);
      } catch {
        throw raise(s, contractViolation('ic0.call_new: method name is not valid UTF-8'));
      }
      s.pendingCall = {
        callee,
        method,
        reply: { fun: replyFun >>> 0, env: replyEnv >>> 0 },
        reject: { fun: rejectFun >>> 0, env: rejectEnv >>> 0 },
        cleanup: undefined,
        timeoutSeconds: undefined,
        argChunks: [],
        argBytes: 0,
        cycles: 0n,
      };
    },
    call_on_cleanup: (fun: number, env: number) => {
      const s = enter('call_on_cleanup');
      const call = pendingCall(s, 'call_on_cleanup');
      if (call.cleanup !== undefined) {
        throw raise(
          s,
          contractViolation(
            'ic0.call_on_cleanup can be called at most once between `ic0.call_new` and `ic0.call_perform`',
          ),
        );
      }
      call.cleanup = { fun: fun >>> 0, env: env >>> 0 };
    },
    call_data_append: (src: number, size: number) => {
      const s = enter('call_data_append');
      const call = pendingCall(s, 'call_data_append');
      const total = call.argBytes + (size >>> 0);
      if (total > MAX_CALL_PAYLOAD_BYTES) {
        throw raise(
          s,
          contractViolation(
            `ic0.call_data_append: application payload size (${total}) cannot be larger than ${MAX_CALL_PAYLOAD_BYTES}.`,
          ),
        );
      }
      call.argChunks.push(readHeap(s, src, size, 'ic0.call_data_append'));
      call.argBytes = total;
    },
    call_with_best_effort_response: (timeoutSeconds: number) => {
      const s = enter('call_with_best_effort_response');
      const call = pendingCall(s, 'call_with_best_effort_response');
      if (call.timeoutSeconds !== undefined) {
        throw raise(
          s,
          contractViolation(
            'ic0_call_with_best_effort_response failed because a timeout is already set.',
          ),
        );
      }
      call.timeoutSeconds = Math.min(timeoutSeconds >>> 0, MAX_CALL_TIMEOUT_SECONDS);
    },
    call_cycles_add128: (high: bigint, low: bigint) => {
      const s = enter('call_cycles_add128');
      addCallCycles(s, u128(high, low), 'call_cycles_add128');
    },
    call_cycles_add: (amount: bigint) => {
      const s = enter('call_cycles_add');
      addCallCycles(s, u64(amount), 'call_cycles_add');
    },
    call_perform: () => {
      const s = enter('call_perform');
      const call = pendingCall(s, 'call_perform');
      const arg = new Uint8Array(call.argBytes);
      let at = 0;
      for (const chunk of call.argChunks) {
        arg.set(chunk, at);
        at += chunk.length;
      }
      s.calls.push({
        callee: call.callee,
        method: call.method,
        arg,
        cycles: call.cycles,
        reply: call.reply,
        reject: call.reject,
        ...(call.cleanup === undefined ? {} : { cleanup: call.cleanup }),
        ...(call.timeoutSeconds === undefined ? {} : { timeoutSeconds: call.timeoutSeconds }),
      });
      s.cyclesSent += call.cycles;
      s.pendingCall = undefined;
      // 0 = queued; it is only sent if this execution finishes without trapping (pitfall 17).
      return 0;
    },

    stable64_size: () => {
      enter('stable64_size');
      return BigInt(binding.stable().sizePages);
    },
    stable64_grow: (newPages: bigint) => {
      enter('stable64_grow');
      return binding.stable().grow(u64(newPages));
    },
    stable64_write: (offset: bigint, src: bigint, size: bigint) => {
      const s = enter('stable64_write');
      stableWrite(s, u64(offset), u64(src), u64(size));
    },
    stable64_read: (dst: bigint, offset: bigint, size: bigint) => {
      const s = enter('stable64_read');
      stableRead(s, u64(dst), u64(offset), u64(size));
    },
    stable_size: () => {
      const s = enter('stable_size');
      check32BitStable(s);
      return binding.stable().sizePages;
    },
    stable_grow: (newPages: number) => {
      const s = enter('stable_grow');
      check32BitStable(s);
      const delta = newPages >>> 0;
      if (binding.stable().sizePages + delta > FOUR_GIB_PAGES) {
        return -1;
      }
      return Number(binding.stable().grow(BigInt(delta)));
    },
    stable_write: (offset: number, src: number, size: number) => {
      const s = enter('stable_write');
      check32BitStable(s);
      stableWrite(s, BigInt(offset >>> 0), BigInt(src >>> 0), BigInt(size >>> 0));
    },
    stable_read: (dst: number, offset: number, size: number) => {
      const s = enter('stable_read');
      check32BitStable(s);
      stableRead(s, BigInt(dst >>> 0), BigInt(offset >>> 0), BigInt(size >>> 0));
    },

    root_key_size: () => enter('root_key_size').env.rootKeyDer.length,
    root_key_copy: (dst: number, offset: number, size: number) => {
      const s = enter('root_key_copy');
      copyBlob(s, s.env.rootKeyDer, dst, offset, size, 'root_key_copy');
    },
    certified_data_set: (src: number, size: number) => {
      const s = enter('certified_data_set');
      if (size >>> 0 > CERTIFIED_DATA_MAX_BYTES) {
        throw raise(
          s,
          contractViolation(
            `ic0_certified_data_set failed because the passed data must be no larger than ${CERTIFIED_DATA_MAX_BYTES} bytes. Found ${size >>> 0} bytes.`,
          ),
        );
      }
      s.certifiedData = readHeap(s, src, size, 'ic0.certified_data_set');
    },
    data_certificate_present: () => {
      const s = enter('data_certificate_present');
      return s.dataCertificate !== undefined && (s.context === 'NRQ' || s.context === 'CQ') ? 1 : 0;
    },
    data_certificate_size: () => {
      const s = enter('data_certificate_size');
      return dataCertificate(s, 'data_certificate_size').length;
    },
    data_certificate_copy: (dst: number, offset: number, size: number) => {
      const s = enter('data_certificate_copy');
      const cert = dataCertificate(s, 'data_certificate_copy');
      copyBlob(s, cert, dst, offset, size, 'data_certificate_copy');
    },

    time: () => u64(enter('time').env.timeNs),
    global_timer_set: (timestamp: bigint) => {
      const s = enter('global_timer_set');
      const previous = s.globalTimerNs;
      s.globalTimerNs = u64(timestamp);
      s.timerChanged = true;
      return previous;
    },
    performance_counter: (counterType: number) => {
      const s = enter('performance_counter');
      switch (counterType >>> 0) {
        case 0:
          return binding.instructions.used();
        case 1:
          return s.instructionsBefore + binding.instructions.used();
        default:
          throw raise(
            s,
            contractViolation(`Error getting performance counter type ${counterType >>> 0}`),
          );
      }
    },
    is_controller: (src: number, size: number) => {
      const s = enter('is_controller');
      const principal = principalFromHeap(s, src, size, 'is_controller');
      return s.env.controllers.some((c) => equalBytes(c, principal)) ? 1 : 0;
    },
    in_replicated_execution: () => {
      const s = enter('in_replicated_execution');
      return ['I', 'G', 'U', 'RQ', 'Ry', 'Rt', 'C', 'T', 's'].includes(s.context) ? 1 : 0;
    },

    cost_call: (methodNameSize: bigint, payloadSize: bigint, dst: number) => {
      const s = enter('cost_call');
      const bytes = u64(methodNameSize) + u64(payloadSize);
      writeU128(s, dst, FEES.xnetCall + FEES.xnetByte * bytes, 'cost_call');
    },
    cost_create_canister: (dst: number) => {
      const s = enter('cost_create_canister');
      writeU128(s, dst, FEES.createCanister, 'cost_create_canister');
    },
    cost_http_request: (requestSize: bigint, maxResponseBytes: bigint, dst: number) => {
      const s = enter('cost_http_request');
      const n = FEES.subnetSize;
      const fee =
        (FEES.httpBase + FEES.httpPerNode * n) * n +
        FEES.httpRequestByte * n * u64(requestSize) +
        FEES.httpResponseByte * n * u64(maxResponseBytes);
      writeU128(s, dst, fee, 'cost_http_request');
    },
    cost_sign_with_ecdsa: (src: number, size: number, curve: number, dst: number) =>
      keyCost(enter('cost_sign_with_ecdsa'), src, size, curve, [0], dst, 'cost_sign_with_ecdsa'),
    cost_sign_with_schnorr: (src: number, size: number, algorithm: number, dst: number) =>
      keyCost(
        enter('cost_sign_with_schnorr'),
        src,
        size,
        algorithm,
        [0, 1],
        dst,
        'cost_sign_with_schnorr',
      ),
    cost_vetkd_derive_key: (src: number, size: number, curve: number, dst: number) =>
      keyCost(enter('cost_vetkd_derive_key'), src, size, curve, [0], dst, 'cost_vetkd_derive_key'),

    env_var_count: () => envVars(enter('env_var_count')).length,
    env_var_name_size: (index: number) => {
      const s = enter('env_var_name_size');
      return utf8.encode(envVarAt(s, index, 'env_var_name_size').name).length;
    },
    env_var_name_copy: (index: number, dst: number, offset: number, size: number) => {
      const s = enter('env_var_name_copy');
      const name = utf8.encode(envVarAt(s, index, 'env_var_name_copy').name);
      copyBlob(s, name, dst, offset, size, 'env_var_name_copy');
    },
    env_var_name_exists: (src: number, size: number) => {
      const s = enter('env_var_name_exists');
      const key = envVarName(s, src, size, 'env_var_name_exists');
      return envVars(s).some((v) => v.name === key) ? 1 : 0;
    },
    env_var_value_size: (src: number, size: number) => {
      const s = enter('env_var_value_size');
      return envVarValue(s, src, size, 'env_var_value_size').length;
    },
    env_var_value_copy: (src: number, size: number, dst: number, offset: number, len: number) => {
      const s = enter('env_var_value_copy');
      const value = envVarValue(s, src, size, 'env_var_value_copy');
      copyBlob(s, value, dst, offset, len, 'env_var_value_copy');
    },

    debug_print: (src: number, size: number) => {
      const s = enter('debug_print');
      // Never traps, even with bad pointers (spec "Debugging aids").
      s.env.debugPrint?.(lossyText(src, size, '(debug message out of memory bounds)'));
    },
    trap: (src: number, size: number) => {
      const s = enter('trap');
      const message = lossyText(src, size, '(trap message out of memory bounds)');
      s.env.debugPrint?.(`[TRAP]: ${message}`);
      throw raise(s, calledTrap(message));
    },
  };

  function dataCertificate(state: ExecutionState, name: string): Uint8Array {
    if (state.dataCertificate === undefined) {
      throw raise(state, contractViolation(`ic0.${name}: no data certificate is available`));
    }
    return state.dataCertificate;
  }

  function envVarAt(state: ExecutionState, index: number, name: string) {
    const vars = envVars(state);
    const found = vars[index >>> 0];
    if (found === undefined) {
      throw raise(
        state,
        contractViolation(
          `ic0.${name}: environment variable index ${index >>> 0} is out of bounds (count ${vars.length})`,
        ),
      );
    }
    return found;
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
