import type { PersistedGlobal } from './rewrite-exports.js';
import type { StableMemory } from './stable-memory.js';
import type { TrapErrorCode } from './trap.js';
import type { ModuleEntryPoints, ModuleMethods } from './validate-module.js';
import type { WasmModule } from './wasm-js-api.js';

/** A validated, rewritten and compiled canister module (ic-protocol.md §7.1). */
export interface PreparedModule {
  readonly module: WasmModule;
  /** SHA-256 of the bytes as submitted (gzip included), i.e. `/canister/<id>/module_hash`. */
  readonly moduleHash: Uint8Array;
  readonly methods: ModuleMethods;
  readonly exports: ModuleEntryPoints;
  /** `icp:public <name>` / `icp:private <name>` sections keyed by the full section name. */
  readonly customSections: ReadonlyMap<string, Uint8Array>;
  /**
   * The decompressed, instrumented and rewritten binary that was compiled. Persist the submitted
   * bytes, not these: preparing them again would meter the metering code too.
   */
  readonly wasmBytes: Uint8Array;
  /** Where the instance's memory, table and mutable globals are exported (in snapshot order). */
  readonly layout: ModuleLayout;
}

/** Export names the engine reads state through. */
export interface ModuleLayout {
  readonly memoryExport: string | undefined;
  readonly tableExport: string | undefined;
  /** Mutable globals in index order; `InstanceSnapshot.globals` follows this order. */
  readonly globals: readonly PersistedGlobal[];
  /** The module's `(start)` function, run by the engine right after instantiation. */
  readonly startExport: string | undefined;
  /** The i64 global holding the instructions still allowed (`instrument-module.ts`). */
  readonly counterExport: string | undefined;
}

/** A public method kind, as named by the export prefix. */
export type MethodKind = 'update' | 'query' | 'composite_query';

/** A callback closure: a table index and the `env` value it is called with. */
export interface CallbackRef {
  readonly fun: number;
  readonly env: number | bigint;
}

/** A call the canister made with `ic0.call_perform`; delivered only if the execution commits. */
export interface OutgoingCall {
  readonly callee: Uint8Array;
  readonly method: string;
  readonly arg: Uint8Array;
  /** Cycles attached; already deducted from the balance the execution reports. */
  readonly cycles: bigint;
  readonly reply: CallbackRef;
  readonly reject: CallbackRef;
  readonly cleanup?: CallbackRef;
  /** Set by `ic0.call_with_best_effort_response` (bounded-wait call), clamped to 300 s. */
  readonly timeoutSeconds?: number;
}

/**
 * What the replica core knows about the call context a callback runs in. Optional on callback
 * entries for convenience; without it a callback may respond (responded = false), sees no
 * cycles and an empty caller. Pass it for exact semantics.
 */
export interface CallContextState {
  /** Caller of the original call (what `msg_caller` returns in callbacks). */
  readonly caller: Uint8Array;
  /**
   * True when the call context was already answered or has nobody to answer (it was opened
   * by a system task); replying or rejecting from the callback then traps.
   */
  readonly responded: boolean;
  /** Cycles the original caller attached that are not accepted yet. */
  readonly cyclesAvailable: bigint;
  /** `msg_deadline` of the original call; 0 for unbounded-wait calls. @default 0n */
  readonly deadlineNs?: bigint;
  /** Approximate instructions already used in this call context (performance counter 1). @default 0n */
  readonly instructionsBefore?: bigint;
}

/** What to run. Names follow the interface spec's entry points (ic-protocol.md §7.1, §7.3). */
export type ExecutionEntry =
  | {
      readonly kind: 'init' | 'post_upgrade';
      readonly arg: Uint8Array;
      readonly caller: Uint8Array;
    }
  | { readonly kind: 'pre_upgrade'; readonly caller: Uint8Array }
  | {
      readonly kind: 'update';
      readonly method: string;
      readonly arg: Uint8Array;
      readonly caller: Uint8Array;
      /** Cycles attached by the caller. @default 0n */
      readonly cyclesAvailable?: bigint;
      /** For bounded-wait inter-canister calls. @default 0n */
      readonly deadlineNs?: bigint;
    }
  | {
      readonly kind: 'query';
      readonly method: string;
      readonly arg: Uint8Array;
      readonly caller: Uint8Array;
      /** `replicated`: called via an update or another canister (RQ); `non_replicated`: via `/query` (NRQ). */
      readonly mode: 'replicated' | 'non_replicated';
      /** Certificate for `ic0.data_certificate_*`; honoured in non-replicated mode only. */
      readonly dataCertificate?: Uint8Array;
      /** Cycles attached (replicated mode only). @default 0n */
      readonly cyclesAvailable?: bigint;
    }
  | {
      readonly kind: 'composite_query';
      readonly method: string;
      readonly arg: Uint8Array;
      readonly caller: Uint8Array;
    }
  | {
      readonly kind: 'inspect_message';
      readonly method: string;
      readonly arg: Uint8Array;
      readonly caller: Uint8Array;
    }
  | {
      readonly kind: 'reply_callback';
      readonly callback: CallbackRef;
      readonly data: Uint8Array;
      readonly refundedCycles: bigint;
      /** @default see {@link CallContextState} (not responded, no cycles, empty caller) */
      readonly callContext?: CallContextState;
    }
  | {
      readonly kind: 'reject_callback';
      readonly callback: CallbackRef;
      readonly rejectCode: number;
      readonly rejectMessage: string;
      readonly refundedCycles: bigint;
      /** @default see {@link CallContextState} (not responded, no cycles, empty caller) */
      readonly callContext?: CallContextState;
    }
  | {
      readonly kind: 'cleanup';
      readonly callback: CallbackRef;
      /** Reject code of the callback that trapped (0 after a reply callback). @default 0 */
      readonly rejectCode?: number;
      /** @default see {@link CallContextState} (not responded, no cycles, empty caller) */
      readonly callContext?: CallContextState;
    }
  | { readonly kind: 'global_timer' | 'heartbeat' | 'on_low_wasm_memory' };

/** The canister's system state as the replica core sees it before this execution. */
export interface ExecutionEnv {
  readonly canisterId: Uint8Array;
  /** Constant within one execution (`ic0.time`). */
  readonly timeNs: bigint;
  readonly controllers: readonly Uint8Array[];
  /** 133-byte DER BLS root key (`ic0.root_key_copy`). */
  readonly rootKeyDer: Uint8Array;
  readonly cyclesBalance: bigint;
  /**
   * Cycles the canister must keep to stay above its freezing threshold; only the rest (the
   * liquid balance) can be attached to calls or burned. @default 0n
   */
  readonly freezingReserve?: bigint;
  readonly canisterVersion: bigint;
  readonly status: 'running' | 'stopping' | 'stopped';
  readonly subnetId: Uint8Array;
  /** Current global timer; 0n = unset. */
  readonly globalTimerNs: bigint;
  /** Instructions this execution may use; exceeding it traps with IC0522. */
  readonly instructionLimit: bigint;
  /** `wasm_memory_limit` setting; checked after update-like executions. 0n or absent = none. */
  readonly wasmMemoryLimitBytes?: bigint;
  /** `environment_variables` setting (`ic0.env_var_*`). @default [] */
  readonly environmentVariables?: readonly { readonly name: string; readonly value: string }[];
  /** Receives `ic0.debug_print` output and explicit trap messages (canister logs). */
  readonly debugPrint?: (text: string) => void;
}

/** How the execution ended. */
export type ExecutionOutcome =
  | { readonly kind: 'replied'; readonly data: Uint8Array }
  | { readonly kind: 'rejected'; readonly message: string }
  | { readonly kind: 'no_response' }
  | {
      readonly kind: 'trapped';
      readonly icErrorCode: TrapErrorCode;
      /** IC text without the `Error from Canister <id>: ` prefix (ic-protocol.md §8.3). */
      readonly message: string;
    };

/** System-state changes of a committed execution; all empty when the execution trapped. */
export interface ExecutionEffects {
  readonly calls: readonly OutgoingCall[];
  /** New certified data, when `ic0.certified_data_set` was called. */
  readonly certifiedData?: Uint8Array;
  /** New global timer value, when `ic0.global_timer_set` was called (0n = cleared). */
  readonly globalTimerNs?: bigint;
  /** Moved from the call to the balance (`msg_cycles_accept*`); also reported for replicated queries. */
  readonly cyclesAccepted: bigint;
  readonly cyclesBurned: bigint;
  /** Total attached to `calls`. New balance = env balance + accepted − burned − sent. */
  readonly cyclesSent: bigint;
  /** inspect_message only: whether `ic0.accept_message` was called. */
  readonly acceptedMessage?: boolean;
}

/** The result of one {@link CanisterInstance.execute}. */
export interface ExecutionResult {
  readonly outcome: ExecutionOutcome;
  readonly effects: ExecutionEffects;
  /** Instructions executed: Wasm instructions, bulk-memory bytes and System API charges. */
  readonly instructions: bigint;
}

/** Heap, mutable globals and stable memory of an instance, for checkpoints. */
export interface InstanceSnapshot {
  readonly heap: Uint8Array;
  /** Values of `PreparedModule.layout.globals`, in that order. */
  readonly globals: readonly (number | bigint)[];
  readonly stable: Uint8Array;
}

/** Per-call options of {@link CanisterInstance.execute}. */
export interface ExecuteOptions {
  /**
   * Keep the pre-execution state after a successful replicated execution until
   * {@link CanisterInstance.commit} or {@link CanisterInstance.rollback}. Used for upgrades,
   * which are atomic over `pre_upgrade` + `post_upgrade` (interface spec "Canister upgrades").
   * @default false
   */
  readonly tentative?: boolean;
  /**
   * Deterministic time slicing: each time another `instructions` have run, `pause()` is called
   * (it may block the thread until the execution may go on). Without it the execution runs
   * to its end or its limit in one go.
   */
  readonly slice?: { readonly instructions: bigint; pause(): void };
}

/** A live canister instance whose state changes only when an execution commits. */
export interface CanisterInstance {
  readonly prepared: PreparedModule;
  /** Runs one entry point transactionally; never throws for canister failures. */
  execute(entry: ExecutionEntry, env: ExecutionEnv, options?: ExecuteOptions): ExecutionResult;
  /** Keeps the state of a tentative execution. */
  commit(): void;
  /** Reverts a tentative execution. */
  rollback(): void;
  /** Which kind of public method `name` is, or `undefined` if the module has none. */
  methodKind(name: string): MethodKind | undefined;
  /** A full copy of heap, globals and stable memory. */
  snapshot(): InstanceSnapshot;
  /** A copy-on-write fork of stable memory, to hand to the next module version on upgrade. */
  stableMemory(): StableMemory;
  readonly heapSizeBytes: number;
  readonly stableSizeBytes: number;
}

/** Options of `createCanisterInstance`. */
export interface CreateCanisterInstanceOptions {
  /** Stable memory carried over on upgrade (forked, the source is not modified). */
  readonly stableMemory?: StableMemory;
  /**
   * Rebuild an instance from a checkpoint (heap, globals and stable memory). The stable memory
   * may be given as a {@link StableMemory} already, which spares a dense copy of it.
   */
  readonly snapshot?: Omit<InstanceSnapshot, 'stable'> & {
    readonly stable: Uint8Array | StableMemory;
  };
  /** Controllers visible to `ic0.is_controller` in the `(start)` function. @default [] */
  readonly controllers?: readonly Uint8Array[];
  /** Receives `ic0.debug_print` output of the `(start)` function. */
  readonly debugPrint?: (text: string) => void;
  /** Stable memory cap in 64 KiB pages. @default 65_536n (4 GiB) */
  readonly maxStablePages?: bigint;
}
