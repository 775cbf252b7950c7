import wabtInit from 'wabt';
import { describe, expect, it } from 'vitest';
import { type ExecutionEnv, prepareModule } from '../execution/index.js';
import { dormantInstanceThread, startInstanceThread } from './instance-thread.js';

// The worker runs the compiled `dist/runtime/thread-main.js` (`npm run build` first).
const wabt = await wabtInit();

const MODULE = wabt
  .parseWat(
    'thread.wat',
    `(module
      (import "ic0" "debug_print" (func $debug_print (param i32 i32)))
      (import "ic0" "msg_reply" (func $msg_reply))
      (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
      (memory 2)
      (data (i32.const 0) "hello")
      (func (export "canister_update hello")
        (call $debug_print (i32.const 0) (i32.const 5))
        (call $append (i32.const 0) (i32.const 5))
        (call $msg_reply))
      (func (export "canister_update spin") (loop $forever (br $forever)))
      (func (export "canister_update grow") (drop (memory.grow (i32.const 3)))))`,
  )
  .toBinary({}).buffer;

const TRAPPING_START = wabt
  .parseWat('start.wat', '(module (func $boom unreachable) (start $boom))')
  .toBinary({}).buffer;

const ENV: ExecutionEnv = {
  canisterId: Uint8Array.of(1),
  timeNs: 1n,
  controllers: [],
  rootKeyDer: new Uint8Array(133),
  cyclesBalance: 10n ** 12n,
  canisterVersion: 0n,
  status: 'running',
  subnetId: Uint8Array.of(2),
  globalTimerNs: 0n,
  instructionLimit: 1_000_000n,
};
const update = (method: string) =>
  ({ kind: 'update', method, arg: new Uint8Array(0), caller: Uint8Array.of(3) }) as const;

describe('a canister instance on its own thread', () => {
  it('executes, routes debug prints to the execution that made them and tracks memory sizes', async () => {
    const thread = await startInstanceThread(await prepareModule(MODULE), { canister: 'c1' });
    try {
      const printed: string[] = [];
      const result = await thread.execute(update('hello'), {
        ...ENV,
        debugPrint: (text) => printed.push(text),
      });
      expect(result.outcome).toEqual({ kind: 'replied', data: new TextEncoder().encode('hello') });
      expect(printed).toEqual(['hello']);
      expect(thread.heapSizeBytes).toBe(2 * 65_536);
      await thread.execute(update('grow'), ENV);
      expect(thread.heapSizeBytes).toBe(5 * 65_536);
      expect(thread.methodKind('hello')).toBe('update');
      expect(thread.methodKind('absent')).toBeUndefined();
    } finally {
      await thread.stop();
    }
  });

  it('hands over images that rebuild the same instance on another thread', async () => {
    const prepared = await prepareModule(MODULE);
    const first = await startInstanceThread(prepared, { canister: 'c2' });
    await first.execute(update('grow'), ENV);
    const image = await first.image();
    await first.stop();
    const second = await startInstanceThread(prepared, { canister: 'c2', snapshot: image });
    try {
      expect(second.heapSizeBytes).toBe(5 * 65_536);
      expect(await second.image()).toEqual(image);
    } finally {
      await second.stop();
    }
  });

  it('a dormant instance answers from its image and starts its thread on first execution', async () => {
    const prepared = await prepareModule(MODULE);
    const first = await startInstanceThread(prepared, { canister: 'c6' });
    await first.execute(update('grow'), ENV);
    const image = await first.image();
    await first.stop();
    const dormant = dormantInstanceThread(prepared, { canister: 'c6', snapshot: image });
    expect(dormant.heapSizeBytes).toBe(5 * 65_536);
    expect(await dormant.image()).toBe(image);
    await dormant.execute(update('grow'), ENV);
    expect(dormant.heapSizeBytes).toBe(8 * 65_536);
    expect((await dormant.image()).heap.sizeBytes).toBe(8 * 65_536);
    await dormant.stop();
  });

  it('runs a sliced execution one slice per resume, holding the thread meanwhile', async () => {
    const thread = await startInstanceThread(await prepareModule(MODULE), { canister: 'c7' });
    try {
      let step = await thread.executeSliced(update('spin'), ENV, 100_000n);
      let pauses = 0;
      // A request made while the execution is paused waits for it to finish.
      let queuedDone = false;
      const queued = thread.execute(update('hello'), ENV).then((result) => {
        queuedDone = true;
        return result;
      });
      while (step.kind === 'paused') {
        pauses++;
        expect(queuedDone).toBe(false);
        step = await step.resume();
      }
      expect(pauses).toBe(9);
      expect(step.result.outcome).toMatchObject({ kind: 'trapped', icErrorCode: 'IC0522' });
      expect(step.result.instructions).toBe(1_000_000n);
      expect((await queued).outcome.kind).toBe('replied');
    } finally {
      await thread.stop();
    }
  });

  it('stops a thread whose execution is paused', async () => {
    const thread = await startInstanceThread(await prepareModule(MODULE), { canister: 'c8' });
    const step = await thread.executeSliced(update('spin'), ENV, 100_000n);
    expect(step.kind).toBe('paused');
    await thread.stop();
    if (step.kind === 'paused') {
      await expect(step.resume()).rejects.toMatchObject({ code: 'REPLICA_RUNTIME_THREAD_STOPPED' });
    }
  });

  it('stops cleanly a dormant instance whose thread failed to start', async () => {
    const prepared = await prepareModule(MODULE);
    const first = await startInstanceThread(prepared, { canister: 'c9' });
    const image = await first.image();
    await first.stop();
    // A heap that does not fit the module: the thread cannot rebuild the instance.
    const broken = { ...image, heap: { ...image.heap, sizeBytes: image.heap.sizeBytes + 1 } };
    const dormant = dormantInstanceThread(prepared, { canister: 'c9', snapshot: broken });
    await expect(dormant.execute(update('hello'), ENV)).rejects.toMatchObject({
      code: 'REPLICA_EXEC_INVALID_SNAPSHOT',
    });
    await expect(dormant.stop()).resolves.toBeUndefined();
  });

  it('reports an instruction-limit trap like any other outcome', async () => {
    const thread = await startInstanceThread(await prepareModule(MODULE), { canister: 'c3' });
    try {
      expect((await thread.execute(update('spin'), ENV)).outcome).toMatchObject({
        kind: 'trapped',
        icErrorCode: 'IC0522',
      });
    } finally {
      await thread.stop();
    }
  });

  it('rebuilds errors from the worker with their code', async () => {
    await expect(
      startInstanceThread(await prepareModule(TRAPPING_START), { canister: 'c4' }),
    ).rejects.toMatchObject({
      name: 'CitadelError',
      code: 'REPLICA_EXEC_START_TRAPPED',
      details: { icErrorCode: 'IC0502' },
    });
  });

  it('fails requests after stop with REPLICA_RUNTIME_THREAD_STOPPED', async () => {
    const thread = await startInstanceThread(await prepareModule(MODULE), { canister: 'c5' });
    const pending = thread
      .execute(update('spin'), { ...ENV, instructionLimit: 10n ** 12n })
      .catch((error: unknown) => error);
    await thread.stop();
    expect(await pending).toMatchObject({ code: 'REPLICA_RUNTIME_THREAD_STOPPED' });
    await expect(thread.execute(update('hello'), ENV)).rejects.toMatchObject({
      code: 'REPLICA_RUNTIME_THREAD_STOPPED',
      message: "Canister c5's instance was already stopped when 'execute' reached it.",
    });
  });
});
