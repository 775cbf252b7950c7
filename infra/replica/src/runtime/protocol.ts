import type {
  ExecuteOptions,
  ExecutionEntry,
  ExecutionEnv,
  ExecutionResult,
  PreparedModule,
} from '../execution/index.js';
import type { SparsePages } from '../persistence/sparse-pages.js';

/**
 * Messages between a canister's {@link InstanceThread} (main thread) and its worker
 * (`thread-main.ts`). Everything here survives the structured clone: no functions, so the
 * debug-print callback becomes `log` messages.
 */

/** What a new instance starts from: nothing, a predecessor's stable memory, or a checkpoint. */
export interface StartRequest {
  readonly op: 'start';
  readonly prepared: PreparedModule;
  /** One Int32 the main thread sets to 1 to resume a paused execution (see `paused`). */
  readonly resumeSignal: SharedArrayBuffer;
  readonly controllers: readonly Uint8Array[];
  readonly maxStablePages?: bigint;
  /** Stable memory carried over from the previous module version (upgrade). */
  readonly stable?: SparsePages;
  /** Heap, mutable globals and stable memory of a checkpoint. */
  readonly snapshot?: {
    readonly heap: SparsePages;
    readonly globals: readonly (number | bigint)[];
    readonly stable: SparsePages;
  };
}

export type ThreadRequest =
  | StartRequest
  | {
      readonly op: 'execute';
      readonly entry: ExecutionEntry;
      readonly env: Omit<ExecutionEnv, 'debugPrint'>;
      readonly options: Omit<ExecuteOptions, 'slice'>;
      /** Pause after every this many instructions (deterministic time slicing). */
      readonly slice?: bigint;
    }
  | { readonly op: 'commit' }
  | { readonly op: 'rollback' }
  | { readonly op: 'image' }
  | { readonly op: 'stable' };

/** Heap, globals and stable memory of an instance, as a checkpoint stores them. */
export interface InstanceImage {
  readonly heap: SparsePages;
  readonly globals: readonly (number | bigint)[];
  readonly stable: SparsePages;
}

/** The answer to each request kind. */
export interface ThreadResults {
  start: undefined;
  execute: ExecutionResult;
  commit: undefined;
  rollback: undefined;
  image: InstanceImage;
  stable: SparsePages;
}

/** An error thrown in the worker, rebuilt on the main thread. */
export interface SerializedError {
  readonly message: string;
  readonly stack?: string;
  /** Set for `CitadelError`s, which keep their kind, code and details across the boundary. */
  readonly citadel?: {
    readonly kind: string;
    readonly code: string;
    readonly details: Readonly<Record<string, unknown>>;
  };
}

/** Memory sizes after a request, so the main thread can answer size questions synchronously. */
export interface MemorySizes {
  readonly heapBytes: number;
  readonly stableBytes: number;
}

export type ThreadMessage =
  | { readonly kind: 'log'; readonly text: string }
  /** The execution of request `id` reached a slice boundary and waits for the resume signal. */
  | { readonly kind: 'paused'; readonly id: number }
  | {
      readonly kind: 'reply';
      readonly id: number;
      readonly value: unknown;
      readonly sizes: MemorySizes;
    }
  | { readonly kind: 'error'; readonly id: number; readonly error: SerializedError };

/** A request as posted: the operation plus its sequence number. */
export type PostedRequest = ThreadRequest & { readonly id: number };
