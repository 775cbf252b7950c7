import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CitadelError, type ErrorKind } from '@citadel/protocol/errors';
import type {
  ExecuteOptions,
  ExecutionEntry,
  ExecutionEnv,
  ExecutionResult,
  MethodKind,
  PreparedModule,
} from '../execution/index.js';
import type { SparsePages } from '../persistence/sparse-pages.js';
import { createThreadFailedError, createThreadStoppedError } from './errors.js';
import type {
  InstanceImage,
  MemorySizes,
  PostedRequest,
  SerializedError,
  ThreadMessage,
  ThreadRequest,
  ThreadResults,
} from './protocol.js';

/**
 * A canister instance running on a worker thread of its own. The network's thread only posts
 * messages and awaits answers, so a canister that runs to its 40 B-instruction limit holds its
 * own thread for seconds while every other canister, and the HTTP interface, keep going.
 */
export interface InstanceThread {
  readonly prepared: PreparedModule;
  /** Heap size after the last request (Wasm memory; 0 without one). */
  readonly heapSizeBytes: number;
  readonly stableSizeBytes: number;
  methodKind(name: string): MethodKind | undefined;
  /** Runs one entry point transactionally (see `CanisterInstance.execute`). */
  execute(
    entry: ExecutionEntry,
    env: ExecutionEnv,
    options?: Omit<ExecuteOptions, 'slice'>,
  ): Promise<ExecutionResult>;
  /**
   * Runs one entry point in slices of `slice` instructions: each step ends when the execution
   * is done or paused at a slice boundary; `resume()` runs the next slice. Until the last
   * step, the thread is held by the paused execution and answers nothing else.
   */
  executeSliced(entry: ExecutionEntry, env: ExecutionEnv, slice: bigint): Promise<SliceStep>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /** Heap, globals and stable memory, as sparse images for a checkpoint. */
  image(): Promise<InstanceImage>;
  /** Stable memory as a sparse image, to hand to the next module version on upgrade. */
  stablePages(): Promise<SparsePages>;
  /** Stops the thread; pending requests fail with REPLICA_RUNTIME_THREAD_STOPPED. */
  stop(): Promise<void>;
}

/** One step of a sliced execution. */
export type SliceStep =
  | { readonly kind: 'done'; readonly result: ExecutionResult }
  | { readonly kind: 'paused'; resume(): Promise<SliceStep> };

/** Options of {@link startInstanceThread}. */
export interface StartInstanceOptions {
  /** Canister id as text, for logs and errors. */
  readonly canister: string;
  /** Controllers visible to `(start)`. @default [] */
  readonly controllers?: readonly Uint8Array[];
  /** Receives `(start)`'s debug prints; executions use their env's `debugPrint`. */
  readonly debugPrint?: (text: string) => void;
  readonly maxStablePages?: bigint;
  /** Stable memory of the previous module version (upgrade). */
  readonly stable?: SparsePages;
  /** A checkpoint's heap, mutable globals and stable memory. */
  readonly snapshot?: InstanceImage;
}

/**
 * Starts a worker, instantiates `prepared` in it and runs `(start)`.
 * @throws CitadelError as `createCanisterInstance` does, or REPLICA_RUNTIME_THREAD_FAILED.
 */
export async function startInstanceThread(
  prepared: PreparedModule,
  options: StartInstanceOptions,
): Promise<InstanceThread> {
  const thread = new RemoteInstance(prepared, options);
  try {
    await thread.send(
      {
        op: 'start',
        // The worker compiles nothing: the module itself crosses (V8 shares its code).
        prepared: { ...prepared, wasmBytes: new Uint8Array(0) },
        resumeSignal: thread.resumeSignal.buffer as SharedArrayBuffer,
        controllers: options.controllers ?? [],
        ...(options.maxStablePages === undefined ? {} : { maxStablePages: options.maxStablePages }),
        ...(options.stable === undefined ? {} : { stable: options.stable }),
        ...(options.snapshot === undefined ? {} : { snapshot: options.snapshot }),
      },
      options.debugPrint,
    );
  } catch (error) {
    await thread.stop();
    throw error;
  }
  return thread;
}

/**
 * An instance restored from a checkpoint whose thread starts on first use. Loading a data
 * directory then costs reading it, not a worker (about 130 ms of CPU) per canister; most
 * canisters of a local network sit idle. Until it wakes, its image is the checkpoint's.
 */
export function dormantInstanceThread(
  prepared: PreparedModule,
  options: StartInstanceOptions & { readonly snapshot: InstanceImage },
): InstanceThread {
  return new DormantInstance(prepared, options);
}

class DormantInstance implements InstanceThread {
  private waking: Promise<InstanceThread> | undefined;
  private awake: InstanceThread | undefined;

  constructor(
    readonly prepared: PreparedModule,
    private readonly options: StartInstanceOptions & { readonly snapshot: InstanceImage },
  ) {}

  get heapSizeBytes(): number {
    return this.awake?.heapSizeBytes ?? this.options.snapshot.heap.sizeBytes;
  }

  get stableSizeBytes(): number {
    return this.awake?.stableSizeBytes ?? this.options.snapshot.stable.sizeBytes;
  }

  methodKind(name: string): MethodKind | undefined {
    return methodKindOf(this.prepared, name);
  }

  execute(entry: ExecutionEntry, env: ExecutionEnv, options?: Omit<ExecuteOptions, 'slice'>) {
    return this.wake().then((thread) => thread.execute(entry, env, options));
  }

  executeSliced(entry: ExecutionEntry, env: ExecutionEnv, slice: bigint) {
    return this.wake().then((thread) => thread.executeSliced(entry, env, slice));
  }

  commit(): Promise<void> {
    return this.wake().then((thread) => thread.commit());
  }

  rollback(): Promise<void> {
    return this.wake().then((thread) => thread.rollback());
  }

  image(): Promise<InstanceImage> {
    // Requests chain on the same promise, so they reach the thread in the order they were made.
    return this.waking === undefined
      ? Promise.resolve(this.options.snapshot)
      : this.waking.then((thread) => thread.image());
  }

  stablePages(): Promise<SparsePages> {
    return this.waking === undefined
      ? Promise.resolve(this.options.snapshot.stable)
      : this.waking.then((thread) => thread.stablePages());
  }

  async stop(): Promise<void> {
    // A wake that failed left no thread to stop; its error went to the request that woke it.
    await this.waking?.then(
      (thread) => thread.stop(),
      () => undefined,
    );
  }

  private wake(): Promise<InstanceThread> {
    this.waking ??= startInstanceThread(this.prepared, this.options).then((thread) => {
      this.awake = thread;
      return thread;
    });
    return this.waking;
  }
}

interface Pending {
  readonly op: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly debugPrint: ((text: string) => void) | undefined;
  /** Sliced executions: the execution reached a slice boundary. */
  readonly onPause?: () => void;
}

class RemoteInstance implements InstanceThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private sizes: MemorySizes = { heapBytes: 0, stableBytes: 0 };
  private stopped = false;
  /** Set to 1 (and notified) to let a paused execution go on. */
  readonly resumeSignal = new Int32Array(new SharedArrayBuffer(4));

  constructor(
    readonly prepared: PreparedModule,
    private readonly options: StartInstanceOptions,
  ) {
    this.worker = new Worker(workerUrl(), { execArgv: workerExecArgv() });
    // An idle canister must not keep the process alive; the network stops threads on close.
    this.worker.unref();
    this.worker.on('message', (message: ThreadMessage) => this.receive(message));
    this.worker.on('error', (error) => this.fail(error.message, error));
    this.worker.on('exit', (code) => this.fail(`the worker exited with code ${code}`));
  }

  get heapSizeBytes(): number {
    return this.sizes.heapBytes;
  }

  get stableSizeBytes(): number {
    return this.sizes.stableBytes;
  }

  methodKind(name: string): MethodKind | undefined {
    return methodKindOf(this.prepared, name);
  }

  execute(entry: ExecutionEntry, env: ExecutionEnv, options: Omit<ExecuteOptions, 'slice'> = {}) {
    const { debugPrint, ...data } = env;
    return this.send({ op: 'execute', entry, env: data, options }, debugPrint);
  }

  executeSliced(entry: ExecutionEntry, env: ExecutionEnv, slice: bigint): Promise<SliceStep> {
    const { debugPrint, ...data } = env;
    let step = deferred<SliceStep>();
    const resume = () => {
      Atomics.store(this.resumeSignal, 0, 1);
      Atomics.notify(this.resumeSignal, 0);
      return step.promise;
    };
    const onPause = () => {
      const paused = step;
      step = deferred<SliceStep>();
      // Its failure (the thread stopped while paused) reaches whoever calls resume(); when
      // nobody does, as after an uninstall, it must not count as an unhandled rejection.
      step.promise.catch(() => undefined);
      paused.resolve({ kind: 'paused', resume });
    };
    this.send({ op: 'execute', entry, env: data, options: {}, slice }, debugPrint, onPause).then(
      (result) => step.resolve({ kind: 'done', result }),
      (error: unknown) => step.reject(error),
    );
    return step.promise;
  }

  commit(): Promise<void> {
    return this.send({ op: 'commit' });
  }

  rollback(): Promise<void> {
    return this.send({ op: 'rollback' });
  }

  image(): Promise<InstanceImage> {
    return this.send({ op: 'image' });
  }

  stablePages(): Promise<SparsePages> {
    return this.send({ op: 'stable' });
  }

  async stop(): Promise<void> {
    if (this.stopped) {
      return;
    }
    this.stopped = true;
    this.rejectAll((op) => createThreadStoppedError(this.options.canister, op));
    await this.worker.terminate();
  }

  send<R extends ThreadRequest>(
    request: R,
    debugPrint?: (text: string) => void,
    onPause?: () => void,
  ): Promise<ThreadResults[R['op']]> {
    if (this.stopped) {
      return Promise.reject(createThreadStoppedError(this.options.canister, request.op));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, {
        op: request.op,
        resolve: resolve as (value: unknown) => void,
        reject,
        debugPrint,
        ...(onPause === undefined ? {} : { onPause }),
      });
      const posted: PostedRequest = { ...request, id };
      this.worker.postMessage(posted);
    });
  }

  private receive(message: ThreadMessage): void {
    if (message.kind === 'log') {
      // Requests run in order, so a print belongs to the oldest request still pending.
      const [oldest] = this.pending.values();
      const print = oldest?.debugPrint ?? this.options.debugPrint;
      print?.(message.text);
      return;
    }
    if (message.kind === 'paused') {
      this.pending.get(message.id)?.onPause?.();
      return;
    }
    const pending = this.pending.get(message.id);
    if (pending === undefined) {
      return;
    }
    this.pending.delete(message.id);
    if (message.kind === 'reply') {
      this.sizes = message.sizes;
      pending.resolve(message.value);
    } else {
      pending.reject(rebuild(message.error));
    }
  }

  private fail(reason: string, cause?: unknown): void {
    if (this.stopped) {
      return;
    }
    this.stopped = true;
    this.rejectAll(() => createThreadFailedError(this.options.canister, reason, cause));
    void this.worker.terminate();
  }

  private rejectAll(error: (op: string) => Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const request of pending) {
      request.reject(error(request.op));
    }
  }
}

function deferred<T>(): {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
} {
  let resolve: (value: T) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function methodKindOf(prepared: PreparedModule, name: string): MethodKind | undefined {
  const { methods } = prepared;
  if (methods.update.has(name)) {
    return 'update';
  }
  if (methods.query.has(name)) {
    return 'query';
  }
  return methods.compositeQuery.has(name) ? 'composite_query' : undefined;
}

function rebuild(error: SerializedError): Error {
  if (error.citadel !== undefined) {
    const rebuilt = new CitadelError(
      error.citadel.kind as ErrorKind,
      error.citadel.code,
      error.message,
      { ...error.citadel.details },
    );
    if (error.stack !== undefined) {
      rebuilt.stack = error.stack;
    }
    return rebuilt;
  }
  const rebuilt = new Error(error.message);
  if (error.stack !== undefined) {
    rebuilt.stack = error.stack;
  }
  return rebuilt;
}

/** Node flags a canister thread inherits; the rest concern the parent's own entry point. */
const INHERITED_FLAGS = [
  '--max-old-space-size',
  '--stack-size',
  '--enable-source-maps',
  '--experimental-wasm',
  '--expose-gc',
];

/**
 * The parent's flags that matter to running Wasm. Not all of them: a test runner resolves
 * workspace packages to TypeScript sources (`--conditions source`), which the compiled worker
 * cannot load, and `--eval`/`--input-type` describe the parent's script only.
 */
function workerExecArgv(): string[] {
  return process.execArgv.filter((flag) =>
    INHERITED_FLAGS.some(
      (name) => flag === name || flag.startsWith(`${name}=`) || flag.startsWith(`${name}-`),
    ),
  );
}

/**
 * The compiled worker script. Under vitest this module runs from `src/`, where only the
 * TypeScript exists; the worker then comes from the same package's `dist/` (`npm run build`).
 */
function workerUrl(): URL {
  const beside = new URL('./thread-main.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) {
    return beside;
  }
  const built = new URL('../../dist/runtime/thread-main.js', import.meta.url);
  if (!existsSync(fileURLToPath(built))) {
    throw createThreadFailedError(
      'n/a',
      `the worker script ${fileURLToPath(built)} is missing: run \`npm run build\` first`,
    );
  }
  return built;
}
