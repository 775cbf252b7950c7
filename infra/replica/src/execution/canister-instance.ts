import {
  createInternalError,
  createInvalidSnapshotError,
  createInvalidStateError,
  createMethodNotFoundError,
  createStartTrappedError,
  createUnsupportedError,
} from './errors.js';
import {
  type ExecutionState,
  createExecutionState,
  createStartState,
  isPersistentContext,
} from './execution-state.js';
import { OUT_OF_INSTRUCTIONS_IMPORT } from './instrument-module.js';
import { StableMemory } from './stable-memory.js';
import { createSystemApi } from './system-api.js';
import {
  type TrapSignal,
  functionNotFound,
  instructionLimitExceeded,
  toTrapSignal,
  wasmMemoryLimitExceeded,
} from './trap.js';
import type {
  CanisterInstance,
  CreateCanisterInstanceOptions,
  ExecuteOptions,
  ExecutionEffects,
  ExecutionEntry,
  ExecutionEnv,
  ExecutionResult,
  InstanceSnapshot,
  MethodKind,
  PreparedModule,
} from './types.js';
import {
  WASM_PAGE_BYTES,
  type WasmGlobal,
  type WasmImports,
  type WasmInstance,
  type WasmMemory,
  type WasmTable,
  wasmApi,
} from './wasm-js-api.js';

/**
 * Instantiates a prepared module and runs its `(start)` function (ic-protocol.md §7.3). With
 * `snapshot`, the heap, mutable globals and stable memory are then overwritten from it, which
 * rebuilds an instance identical to the one the snapshot was taken from.
 *
 * @throws CitadelError `REPLICA_EXEC_START_TRAPPED` (details.icErrorCode) when `(start)` traps,
 *   `REPLICA_EXEC_INVALID_SNAPSHOT` when the snapshot does not fit the module.
 * @example
 * const instance = await createCanisterInstance(prepared);
 * const result = instance.execute({ kind: 'init', arg, caller }, env);
 */
export async function createCanisterInstance(
  prepared: PreparedModule,
  options: CreateCanisterInstanceOptions = {},
): Promise<CanisterInstance> {
  const maxPages = options.maxStablePages ?? StableMemory.DEFAULT_MAX_PAGES;
  const snapshotStable = options.snapshot?.stable;
  const stable =
    snapshotStable === undefined
      ? (options.stableMemory?.fork(maxPages) ?? StableMemory.create(maxPages))
      : snapshotStable instanceof StableMemory
        ? snapshotStable.fork(maxPages)
        : StableMemory.fromBytes(snapshotStable, maxPages);
  const instance = new LiveCanisterInstance(prepared, stable, options);
  instance.start(options.snapshot !== undefined);
  if (options.snapshot !== undefined) {
    instance.restoreSnapshot(options.snapshot);
  }
  return instance;
}

/** The state needed to undo one execution. */
interface UndoPoint {
  readonly heap: Uint8Array;
  readonly globals: readonly (number | bigint)[];
}

interface LiveWasm {
  readonly instance: WasmInstance;
  readonly memory: WasmMemory | undefined;
  readonly table: WasmTable | undefined;
  readonly globals: readonly WasmGlobal[];
  /** Instructions still allowed (`instrument-module.ts`); the host resets it per execution. */
  readonly counter: WasmGlobal;
}

const EMPTY = new Uint8Array(0);

class LiveCanisterInstance implements CanisterInstance {
  private readonly imports: WasmImports;
  private readonly startState: ExecutionState;
  private current: ExecutionState;
  private wasm: LiveWasm | undefined;
  private heapView: Uint8Array = EMPTY;
  private tentative: UndoPoint | undefined;
  private running = false;
  /** The instruction budget of the running execution and how much of it earlier slices used. */
  private meter: {
    readonly limit: bigint;
    readonly slice: ExecuteOptions['slice'];
    readonly usedBefore: bigint;
    /** Counter value at the start of the current slice. */
    readonly sliceStart: bigint;
  } = { limit: 0n, slice: undefined, usedBefore: 0n, sliceStart: 0n };
  /** A heap-sized buffer reused for the pre-execution copy, to spare an allocation per message. */
  private spareHeap: Uint8Array | undefined;

  constructor(
    readonly prepared: PreparedModule,
    private readonly stable: StableMemory,
    options: CreateCanisterInstanceOptions,
  ) {
    this.startState = createStartState(options.controllers ?? [], options.debugPrint);
    this.current = this.startState;
    // Host functions read the execution and memory through this binding, never directly.
    this.imports = {
      ic0: createSystemApi({
        state: () => this.current,
        heap: () => this.heap(),
        stable: () => this.stable,
        instructions: {
          used: () => this.instructionsUsed(),
          charge: (amount) => {
            const counter = this.live().counter;
            counter.value = (counter.value as bigint) - amount;
            // Past a slice boundary is fine: the next check in the Wasm code pauses there.
            return this.instructionsUsed() <= this.meter.limit;
          },
        },
      }),
      [OUT_OF_INSTRUCTIONS_IMPORT.module]: {
        [OUT_OF_INSTRUCTIONS_IMPORT.name]: () => this.outOfInstructions(),
      },
    };
  }

  /**
   * Called by the instrumented code when the counter went below zero: the end of the message's
   * budget (trap, IC0522) or of a slice (pause, then a fresh slice).
   */
  private outOfInstructions(): void {
    const used = this.instructionsUsed();
    const { limit, slice } = this.meter;
    if (slice === undefined || used > limit) {
      const signal = instructionLimitExceeded(limit);
      this.current.trap = signal;
      throw signal;
    }
    slice.pause();
    this.startSlice(used);
  }

  /** Starts metering an execution (or `(start)`) that may use `limit` instructions. */
  private resetMeter(limit: bigint, slice: ExecuteOptions['slice']): void {
    this.meter = { limit, slice, usedBefore: 0n, sliceStart: 0n };
    this.startSlice(0n);
  }

  private startSlice(usedBefore: bigint): void {
    const left = this.meter.limit - usedBefore;
    const { slice } = this.meter;
    const sliceStart = slice !== undefined && slice.instructions < left ? slice.instructions : left;
    this.meter = { ...this.meter, usedBefore, sliceStart };
    this.live().counter.value = sliceStart;
  }

  get heapSizeBytes(): number {
    return this.live().memory?.buffer.byteLength ?? 0;
  }

  get stableSizeBytes(): number {
    return this.stable.sizeBytes;
  }

  /**
   * First instantiation; a trap in `(start)` fails the install. When the instance is rebuilt
   * from a snapshot, `(start)`'s stable-memory writes are discarded: the snapshot is the state.
   */
  start(fromSnapshot: boolean): void {
    this.stable.begin();
    try {
      this.instantiate();
      if (fromSnapshot) {
        this.stable.rollback();
      } else {
        this.stable.commit();
      }
    } catch (error) {
      this.stable.rollback();
      const trap = toTrapSignal(error) ?? this.startState.trap;
      if (trap !== undefined) {
        throw createStartTrappedError(trap.icErrorCode, trap.message);
      }
      throw createInternalError('instantiation failed', error);
    }
  }

  methodKind(name: string): MethodKind | undefined {
    const { methods } = this.prepared;
    if (methods.update.has(name)) {
      return 'update';
    }
    if (methods.query.has(name)) {
      return 'query';
    }
    return methods.compositeQuery.has(name) ? 'composite_query' : undefined;
  }

  execute(entry: ExecutionEntry, env: ExecutionEnv, options: ExecuteOptions = {}): ExecutionResult {
    if (this.running) {
      throw createInvalidStateError('execute() was called while another execution is running');
    }
    if (this.tentative !== undefined) {
      throw createInvalidStateError(
        'a tentative execution is still open; call commit() or rollback() first',
      );
    }
    const run = this.resolveEntry(entry);
    if (run === undefined) {
      return absentEntryPointResult(entry);
    }

    const state = createExecutionState(entry, env);
    const persistent = isPersistentContext(state.context);
    const undo = this.capture();

    let failure: TrapSignal | undefined;
    let hostError: { error: unknown } | undefined;
    this.running = true;
    this.current = state;
    this.resetMeter(env.instructionLimit, options.slice);
    try {
      run();
    } catch (error) {
      failure = toTrapSignal(error);
      if (failure === undefined) {
        hostError = { error };
      }
    } finally {
      this.running = false;
      this.current = this.startState;
    }
    state.instructions = this.instructionsUsed();
    if (state.instructions > env.instructionLimit) {
      // Whatever the module was doing when the counter ran out (the check at a loop header or
      // function entry, or a trap further along a segment that was charged up front), the
      // message failed for running out of instructions (IC0522).
      failure = instructionLimitExceeded(env.instructionLimit);
      state.instructions = env.instructionLimit;
    }

    if (hostError !== undefined) {
      // Not a canister failure (e.g. a throwing debugPrint callback): undo, then surface it.
      this.restore(undo);
      throw createInternalError(`unexpected host error during ${entry.kind}`, hostError.error);
    }
    // A trap raised by a host function counts even if the module swallowed the exception.
    failure ??= state.trap ?? this.checkWasmMemoryLimit(state, env);
    if (failure !== undefined) {
      this.restore(undo);
      return {
        outcome: { kind: 'trapped', icErrorCode: failure.icErrorCode, message: failure.message },
        effects: emptyEffects(entry),
        instructions: state.instructions,
      };
    }

    if (!persistent) {
      // Queries and inspect_message run on a throw-away copy (ic-protocol.md §1.6, §7.3).
      this.restore(undo);
    } else if (options.tentative === true) {
      this.tentative = undo;
    } else {
      this.stable.commit();
      this.spareHeap = undo.heap;
    }
    return {
      outcome: state.response ?? { kind: 'no_response' },
      effects: effectsOf(state, entry),
      instructions: state.instructions,
    };
  }

  commit(): void {
    if (this.tentative === undefined) {
      throw createInvalidStateError('commit() without a tentative execution');
    }
    this.spareHeap = this.tentative.heap;
    this.tentative = undefined;
    this.stable.commit();
  }

  rollback(): void {
    if (this.tentative === undefined) {
      throw createInvalidStateError('rollback() without a tentative execution');
    }
    const undo = this.tentative;
    this.tentative = undefined;
    this.restore(undo);
  }

  snapshot(): InstanceSnapshot {
    return {
      heap: this.heap().slice(),
      globals: this.live().globals.map((g) => g.value),
      stable: this.stable.toBytes(),
    };
  }

  stableMemory(): StableMemory {
    return this.stable.fork();
  }

  /** Overwrites heap and globals from a checkpoint (stable memory was loaded at construction). */
  restoreSnapshot(snapshot: Omit<InstanceSnapshot, 'stable'>): void {
    const { globals: layout } = this.prepared.layout;
    if (snapshot.globals.length !== layout.length) {
      throw createInvalidSnapshotError(
        `expected ${layout.length} mutable globals, got ${snapshot.globals.length}`,
      );
    }
    layout.forEach((g, i) => {
      const value = snapshot.globals[i];
      if ((g.type === 'i64') !== (typeof value === 'bigint')) {
        throw createInvalidSnapshotError(`global ${g.index} of type ${g.type} got ${typeof value}`);
      }
    });
    const memory = this.live().memory;
    if (memory === undefined ? snapshot.heap.length !== 0 : !this.fitsHeap(snapshot.heap.length)) {
      throw createInvalidSnapshotError(
        `heap of ${snapshot.heap.length} bytes does not fit the module's memory`,
      );
    }
    this.overwrite({ heap: snapshot.heap, globals: snapshot.globals });
  }

  private resolveEntry(entry: ExecutionEntry): (() => void) | undefined {
    switch (entry.kind) {
      case 'reply_callback':
      case 'reject_callback':
      case 'cleanup':
        return this.callback(entry.callback.fun, entry.callback.env);
      case 'update':
      case 'query': {
        const run = this.exported(`canister_${entry.kind} ${entry.method}`);
        if (run === undefined) {
          throw createMethodNotFoundError(entry.kind, entry.method);
        }
        return run;
      }
      case 'composite_query':
        throw createUnsupportedError('composite query execution');
      default:
        return this.exported(SYSTEM_EXPORTS[entry.kind]);
    }
  }

  private exported(name: string): (() => void) | undefined {
    const fn = asCallable(this.live().instance.exports[name]);
    return fn === undefined ? undefined : () => void fn();
  }

  /** Callbacks are called through the exported table: `table.get(fun)(env)` (spec "Callbacks"). */
  private callback(fun: number, env: number | bigint): () => void {
    const table = this.live().table;
    const fn =
      table !== undefined && fun >= 0 && fun < table.length
        ? asCallable(table.get(fun))
        : undefined;
    if (fn === undefined) {
      return () => {
        throw functionNotFound(fun);
      };
    }
    // Wasm32 only: the env is an i32, passed as its unsigned value (ToInt32 keeps the bits).
    const arg = typeof env === 'bigint' ? Number(BigInt.asUintN(32, env)) : env >>> 0;
    return () => void fn(arg);
  }

  /** Instructions charged so far in the current execution (or the last one). */
  private instructionsUsed(): bigint {
    const { usedBefore, sliceStart } = this.meter;
    return usedBefore + sliceStart - (this.live().counter.value as bigint);
  }

  private checkWasmMemoryLimit(state: ExecutionState, env: ExecutionEnv): TrapSignal | undefined {
    const limit = env.wasmMemoryLimitBytes ?? 0n;
    const heapBytes = this.heapSizeBytes;
    // The IC enforces `wasm_memory_limit` on message executions, not on install or queries.
    if (limit > 0n && ['U', 'Ry', 'Rt', 'C', 'T'].includes(state.context)) {
      return BigInt(heapBytes) > limit ? wasmMemoryLimitExceeded(limit, heapBytes) : undefined;
    }
    return undefined;
  }

  private capture(): UndoPoint {
    this.stable.begin();
    const heap = this.heap();
    let copy = this.spareHeap;
    this.spareHeap = undefined;
    if (copy?.length !== heap.length) {
      copy = new Uint8Array(heap.length);
    }
    copy.set(heap);
    return { heap: copy, globals: this.live().globals.map((g) => g.value) };
  }

  /** Puts heap, globals and stable memory back to `undo`. */
  private restore(undo: UndoPoint): void {
    this.stable.rollback();
    if (this.heap().length !== undo.heap.length) {
      // Wasm memory cannot shrink: start over from a fresh instance (ic-protocol.md §7.5). The
      // re-run `(start)` sees the restored stable memory, and its own writes are discarded.
      this.stable.begin();
      try {
        this.instantiate();
      } catch (error) {
        throw createInternalError('re-instantiation during rollback failed', error);
      } finally {
        this.stable.rollback();
      }
    }
    this.overwrite(undo);
    this.spareHeap = undo.heap;
  }

  private overwrite(undo: UndoPoint): void {
    const memory = this.live().memory;
    if (memory !== undefined) {
      const missingPages = (undo.heap.length - memory.buffer.byteLength) / WASM_PAGE_BYTES;
      if (missingPages > 0) {
        memory.grow(missingPages);
      }
      this.heap().set(undo.heap);
    }
    this.live().globals.forEach((g, i) => {
      g.value = undo.globals[i] as number | bigint;
    });
  }

  private fitsHeap(bytes: number): boolean {
    return bytes % WASM_PAGE_BYTES === 0 && bytes >= this.heap().length;
  }

  private instantiate(): void {
    const previous = this.current;
    this.startState.trap = undefined;
    this.startState.instructions = 0n;
    this.current = this.startState;
    try {
      const instance = new wasmApi.Instance(this.prepared.module, this.imports);
      this.wasm = bindExports(instance, this.prepared);
      this.heapView = EMPTY;
      const limit = this.startState.env.instructionLimit;
      this.resetMeter(limit, undefined);
      const { startExport } = this.prepared.layout;
      if (startExport !== undefined) {
        asCallable(instance.exports[startExport])?.();
      }
      if (this.instructionsUsed() > limit) {
        throw instructionLimitExceeded(limit);
      }
    } finally {
      this.current = previous;
    }
  }

  private live(): LiveWasm {
    if (this.wasm === undefined) {
      throw createInvalidStateError('the instance has not been started');
    }
    return this.wasm;
  }

  /** A view of the current memory; re-created when a grow replaced the buffer. */
  private heap(): Uint8Array {
    const memory = this.live().memory;
    if (memory === undefined) {
      return EMPTY;
    }
    if (this.heapView.buffer !== memory.buffer) {
      this.heapView = new Uint8Array(memory.buffer);
    }
    return this.heapView;
  }
}

const SYSTEM_EXPORTS = {
  init: 'canister_init',
  post_upgrade: 'canister_post_upgrade',
  pre_upgrade: 'canister_pre_upgrade',
  inspect_message: 'canister_inspect_message',
  heartbeat: 'canister_heartbeat',
  global_timer: 'canister_global_timer',
  on_low_wasm_memory: 'canister_on_low_wasm_memory',
} as const;

function bindExports(instance: WasmInstance, prepared: PreparedModule): LiveWasm {
  const { memoryExport, tableExport, globals, counterExport } = prepared.layout;
  const counter = counterExport === undefined ? undefined : instance.exports[counterExport];
  if (!(counter instanceof wasmApi.Global)) {
    throw createInternalError(`the module has no instruction counter export`, counter);
  }
  const memory = memoryExport === undefined ? undefined : instance.exports[memoryExport];
  const table = tableExport === undefined ? undefined : instance.exports[tableExport];
  if (memory !== undefined && !(memory instanceof wasmApi.Memory)) {
    throw createInternalError(`export "${memoryExport}" is not a memory`, memory);
  }
  if (table !== undefined && !(table instanceof wasmApi.Table)) {
    throw createInternalError(`export "${tableExport}" is not a table`, table);
  }
  return {
    instance,
    memory,
    table,
    counter,
    globals: globals.map((g) => {
      const global = instance.exports[g.exportName];
      if (!(global instanceof wasmApi.Global)) {
        throw createInternalError(`export "${g.exportName}" is not a global`, global);
      }
      return global;
    }),
  };
}

function asCallable(value: unknown): ((...args: number[]) => unknown) | undefined {
  return typeof value === 'function' ? (value as (...args: number[]) => unknown) : undefined;
}

function emptyEffects(entry: ExecutionEntry): ExecutionEffects {
  return {
    calls: [],
    cyclesAccepted: 0n,
    cyclesBurned: 0n,
    cyclesSent: 0n,
    ...(entry.kind === 'inspect_message' ? { acceptedMessage: false } : {}),
  };
}

function effectsOf(state: ExecutionState, entry: ExecutionEntry): ExecutionEffects {
  return {
    calls: state.calls,
    ...(state.certifiedData === undefined ? {} : { certifiedData: state.certifiedData }),
    ...(state.timerChanged ? { globalTimerNs: state.globalTimerNs } : {}),
    cyclesAccepted: state.cyclesAccepted,
    cyclesBurned: state.cyclesBurned,
    cyclesSent: state.cyclesSent,
    ...(entry.kind === 'inspect_message' ? { acceptedMessage: state.acceptedMessage } : {}),
  };
}

/**
 * Optional system entry points that the module does not export succeed without doing anything;
 * a missing `canister_inspect_message` accepts the message (spec "Ingress message inspection").
 */
function absentEntryPointResult(entry: ExecutionEntry): ExecutionResult {
  return {
    outcome: { kind: 'no_response' },
    effects:
      entry.kind === 'inspect_message'
        ? { ...emptyEffects(entry), acceptedMessage: true }
        : emptyEffects(entry),
    instructions: 0n,
  };
}
