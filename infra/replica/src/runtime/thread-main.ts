import { parentPort } from 'node:worker_threads';
import { isCitadelError } from '@citadel/protocol/errors';
import { createInvalidStateError } from '../execution/errors.js';
import { type CanisterInstance, createCanisterInstance } from '../execution/index.js';
import {
  sparseFromBytes,
  sparseFromStableMemory,
  sparseToBytes,
  sparseToStableMemory,
} from '../persistence/sparse-pages.js';
import type { PostedRequest, SerializedError, StartRequest, ThreadMessage } from './protocol.js';

/**
 * The worker side of an {@link InstanceThread}: one canister instance, run here so that a
 * long execution holds this thread only, never the network's. Requests are handled strictly
 * in order.
 */

const port = parentPort;
if (port === null) {
  throw new Error('thread-main.ts runs as a worker thread only');
}

let instance: CanisterInstance | undefined;
let resumeSignal: Int32Array | undefined;
let queue: Promise<void> = Promise.resolve();

const post = (message: ThreadMessage, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);
const log = (text: string) => post({ kind: 'log', text });

port.on('message', (request: PostedRequest) => {
  queue = queue.then(() => handle(request));
});

async function handle(request: PostedRequest): Promise<void> {
  try {
    const value = await run(request);
    const live = instance;
    post(
      {
        kind: 'reply',
        id: request.id,
        value,
        sizes: { heapBytes: live?.heapSizeBytes ?? 0, stableBytes: live?.stableSizeBytes ?? 0 },
      },
      transferables(value),
    );
  } catch (error) {
    post({ kind: 'error', id: request.id, error: serialize(error) });
  }
}

/**
 * A slice boundary: tell the main thread, then block this thread (the execution's stack stays
 * as it is) until the main thread sets the resume signal, in the next round.
 */
function pause(id: number): void {
  const signal = resumeSignal;
  if (signal === undefined) {
    throw createInvalidStateError('an execution paused before the instance started');
  }
  post({ kind: 'paused', id });
  Atomics.wait(signal, 0, 0);
  Atomics.store(signal, 0, 0);
}

async function run(request: PostedRequest): Promise<unknown> {
  if (request.op === 'start') {
    resumeSignal = new Int32Array(request.resumeSignal);
    instance = await start(request);
    return undefined;
  }
  const live = instance;
  if (live === undefined) {
    throw createInvalidStateError(`'${request.op}' before the instance started`);
  }
  switch (request.op) {
    case 'execute': {
      const { slice, id } = request;
      return live.execute(
        request.entry,
        { ...request.env, debugPrint: log },
        slice === undefined
          ? request.options
          : { ...request.options, slice: { instructions: slice, pause: () => pause(id) } },
      );
    }
    case 'commit':
      live.commit();
      return undefined;
    case 'rollback':
      live.rollback();
      return undefined;
    case 'image': {
      const snapshot = live.snapshot();
      return {
        heap: sparseFromBytes(snapshot.heap),
        globals: snapshot.globals,
        // The copy-on-write fork reads faster than the dense copy (see sparseFromStableMemory).
        stable: sparseFromStableMemory(live.stableMemory()),
      };
    }
    case 'stable':
      return sparseFromStableMemory(live.stableMemory());
  }
}

function start(request: StartRequest): Promise<CanisterInstance> {
  const { snapshot } = request;
  return createCanisterInstance(request.prepared, {
    controllers: request.controllers,
    debugPrint: log,
    ...(request.maxStablePages === undefined ? {} : { maxStablePages: request.maxStablePages }),
    ...(request.stable === undefined ? {} : { stableMemory: sparseToStableMemory(request.stable) }),
    ...(snapshot === undefined
      ? {}
      : {
          snapshot: {
            heap: sparseToBytes(snapshot.heap),
            globals: snapshot.globals,
            stable: sparseToStableMemory(snapshot.stable),
          },
        }),
  });
}

/** Buffers of freshly built images move to the main thread instead of being copied. */
function transferables(value: unknown): ArrayBuffer[] {
  if (typeof value !== 'object' || value === null) {
    return [];
  }
  const buffers: ArrayBuffer[] = [];
  const add = (pages: unknown) => {
    const data = (pages as { data?: unknown }).data;
    if (data instanceof Uint8Array && data.buffer instanceof ArrayBuffer) {
      buffers.push(data.buffer);
    }
  };
  if ('runs' in value) {
    add(value);
  } else if ('heap' in value && 'stable' in value) {
    add(value.heap);
    add(value.stable);
  }
  return buffers;
}

function serialize(error: unknown): SerializedError {
  if (isCitadelError(error)) {
    return {
      message: error.message,
      ...(error.stack === undefined ? {} : { stack: error.stack }),
      citadel: { kind: error.kind, code: error.code, details: cloneable(error.details) },
    };
  }
  if (error instanceof Error) {
    return { message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }) };
  }
  return { message: String(error) };
}

/** Details that survive postMessage; anything else is described instead of dropped silently. */
function cloneable(details: Readonly<Record<string, unknown>>): Record<string, unknown> {
  try {
    structuredClone(details);
    return { ...details };
  } catch {
    return Object.fromEntries(
      Object.entries(details).map(([key, value]) => {
        try {
          return [key, structuredClone(value)];
        } catch {
          return [key, String(value)];
        }
      }),
    );
  }
}
