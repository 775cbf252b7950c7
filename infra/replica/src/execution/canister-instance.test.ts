import { fileURLToPath } from 'node:url';
import { Buffer } from 'node:buffer';
import { existsSync, readFileSync } from 'node:fs';
import { IDL } from '@dfinity/candid';
import wabtInit from 'wabt';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCanisterInstance } from './canister-instance.js';
import { prepareModule } from './prepare-module.js';
import { SYSTEM_API } from './system-api-imports.js';
import type { CanisterInstance, ExecutionEnv, ExecutionResult } from './types.js';

const wabt = await wabtInit();

/** Compiles WAT; `(import "ic0" …)` lines are generated from the System API table by name. */
function wat(ic0: readonly string[], body: string): Uint8Array {
  const imports = ic0
    .map((name) => {
      const api = SYSTEM_API.get(name);
      if (api === undefined) {
        throw new Error(`unknown ic0 import ${name}`);
      }
      const params = api.params.length > 0 ? `(param ${api.params.join(' ')})` : '';
      const results = api.results.length > 0 ? `(result ${api.results.join(' ')})` : '';
      return `(import "ic0" "${name}" (func $${name} ${params} ${results}))`;
    })
    .join('\n');
  return wabt.parseWat('fixture.wat', `(module ${imports} ${body})`).toBinary({}).buffer;
}

const bytes = (...values: number[]) => Uint8Array.from(values);
const text = (s: string) => new TextEncoder().encode(s);
const u32le = (value: number) =>
  bytes(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24);
const CALLER = bytes(0x04);

function makeEnv(overrides: Partial<ExecutionEnv> = {}): ExecutionEnv {
  return {
    canisterId: bytes(0, 0, 0, 0, 0, 0, 0, 1, 1, 1),
    timeNs: 1_700_000_000_000_000_000n,
    controllers: [CALLER],
    rootKeyDer: new Uint8Array(133),
    cyclesBalance: 1_000_000_000_000n,
    canisterVersion: 1n,
    status: 'running',
    subnetId: bytes(9, 9, 2),
    globalTimerNs: 0n,
    instructionLimit: 40_000_000_000n,
    ...overrides,
  };
}

function replyOf(result: ExecutionResult): Uint8Array {
  if (result.outcome.kind !== 'replied') {
    throw new Error(`expected a reply, got ${JSON.stringify(result.outcome)}`);
  }
  return result.outcome.data;
}

const update = (method: string, arg = new Uint8Array(0)) =>
  ({ kind: 'update', method, arg, caller: CALLER }) as const;
const query = (method: string, mode: 'replicated' | 'non_replicated' = 'non_replicated') =>
  ({ kind: 'query', method, arg: new Uint8Array(0), caller: CALLER, mode }) as const;

/**
 * The counter fixture: heap counter at 0, a mutable global, stable memory word at 0, a call
 * builder and four table callbacks (reply, reject, cleanup, and one that breaks the contract).
 */
const COUNTER = wat(
  [
    'msg_arg_data_size',
    'msg_arg_data_copy',
    'msg_reply_data_append',
    'msg_reply',
    'msg_reject',
    'msg_reject_code',
    'msg_reject_msg_size',
    'msg_reject_msg_copy',
    'stable64_size',
    'stable64_grow',
    'stable64_read',
    'stable64_write',
    'certified_data_set',
    'global_timer_set',
    'call_new',
    'call_data_append',
    'call_on_cleanup',
    'call_perform',
    'trap',
  ],
  `
  (memory 1)
  (global $g (mut i32) (i32.const 0))
  (table 4 funcref)
  (elem (i32.const 0) $on_reply $on_reject $on_cleanup $bad_reject)
  (data (i32.const 4096) "callee-id")
  (data (i32.const 4200) "foo")
  (data (i32.const 4300) "boom")

  (func $reply_i32 (param $v i32)
    (i32.store (i32.const 512) (local.get $v))
    (call $msg_reply_data_append (i32.const 512) (i32.const 4))
    (call $msg_reply))
  (func $bump
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
    (global.set $g (i32.add (global.get $g) (i32.const 1))))
  (func $write_stable (param $v i32)
    (if (i64.eqz (call $stable64_size)) (then (drop (call $stable64_grow (i64.const 1)))))
    (i32.store (i32.const 600) (local.get $v))
    (call $stable64_write (i64.const 0) (i64.const 600) (i64.const 4)))
  (func $make_call
    (call $call_new (i32.const 4096) (i32.const 9) (i32.const 4200) (i32.const 3)
                    (i32.const 0) (i32.const 42) (i32.const 1) (i32.const 43))
    (call $call_data_append (i32.const 4300) (i32.const 4))
    (call $call_on_cleanup (i32.const 2) (i32.const 44))
    (drop (call $call_perform)))

  (func (export "canister_init")
    (i32.store (i32.const 8) (call $msg_arg_data_size))
    (call $msg_arg_data_copy (i32.const 1024) (i32.const 0) (call $msg_arg_data_size)))
  (func (export "canister_query init_arg")
    (call $msg_reply_data_append (i32.const 1024) (i32.load (i32.const 8)))
    (call $msg_reply))
  (func (export "canister_update inc")
    (call $bump)
    (call $reply_i32 (i32.load (i32.const 0))))
  (func (export "canister_update inc_stable")
    (call $bump)
    (call $write_stable (i32.load (i32.const 0)))
    (call $reply_i32 (i32.load (i32.const 0))))
  (func (export "canister_query read")
    (i32.store (i32.const 512) (i32.load (i32.const 0)))
    (i32.store (i32.const 516) (global.get $g))
    (i32.store (i32.const 520) (i32.const 0))
    (if (i64.ne (call $stable64_size) (i64.const 0))
      (then (call $stable64_read (i64.const 520) (i64.const 0) (i64.const 4))))
    (call $msg_reply_data_append (i32.const 512) (i32.const 12))
    (call $msg_reply))
  (func (export "canister_query mutate")
    (call $bump)
    (call $write_stable (i32.const 99))
    (call $reply_i32 (i32.load (i32.const 0))))
  (func (export "canister_update inc_then_trap")
    (call $bump)
    (call $write_stable (i32.const 77))
    (call $certified_data_set (i32.const 4200) (i32.const 3))
    (drop (call $global_timer_set (i64.const 5)))
    (call $make_call)
    (call $trap (i32.const 4300) (i32.const 4)))
  (func (export "canister_update grow_then_trap")
    (call $bump)
    (drop (memory.grow (i32.const 3)))
    (i32.store (i32.const 131072) (i32.const 5))
    (unreachable))
  (func (export "canister_update reply_twice")
    (call $msg_reply)
    (call $msg_reply))
  (func (export "canister_query certify_in_query")
    (call $certified_data_set (i32.const 4200) (i32.const 3)))
  (func (export "canister_query call_in_query")
    (call $make_call))
  (func (export "canister_update call_out")
    (call $make_call))
  (func (export "canister_update certify")
    (call $certified_data_set (i32.const 4200) (i32.const 3))
    (call $msg_reply))
  (func (export "canister_query callback_log")
    (call $msg_reply_data_append (i32.const 16) (i32.const 12))
    (call $msg_reply))

  (func $on_reply (param $env i32)
    (i32.store (i32.const 16) (local.get $env))
    (call $msg_arg_data_copy (i32.const 2048) (i32.const 0) (call $msg_arg_data_size))
    (call $msg_reply_data_append (i32.const 2048) (call $msg_arg_data_size))
    (call $msg_reply))
  (func $on_reject (param $env i32)
    (i32.store (i32.const 16) (local.get $env))
    (i32.store (i32.const 20) (call $msg_reject_code))
    (call $msg_reject_msg_copy (i32.const 2048) (i32.const 0) (call $msg_reject_msg_size))
    (call $msg_reject (i32.const 2048) (call $msg_reject_msg_size)))
  (func $on_cleanup (param $env i32)
    (i32.store (i32.const 24) (local.get $env)))
  (func $bad_reject (param $env i32)
    (call $msg_arg_data_copy (i32.const 2048) (i32.const 0) (i32.const 0)))
  `,
);

async function counter(): Promise<CanisterInstance> {
  const instance = await createCanisterInstance(await prepareModule(COUNTER));
  const init = instance.execute({ kind: 'init', arg: bytes(1, 2, 3), caller: CALLER }, makeEnv());
  expect(init.outcome).toEqual({ kind: 'no_response' });
  return instance;
}

/** [heap counter, global, stable word] as reported by the `read` query. */
function readState(instance: CanisterInstance): [number, number, number] {
  const data = replyOf(instance.execute(query('read'), makeEnv()));
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return [view.getUint32(0, true), view.getUint32(4, true), view.getUint32(8, true)];
}

describe('canister execution', () => {
  it('init reads its argument and a later query sees it', async () => {
    const instance = await counter();
    expect(replyOf(instance.execute(query('init_arg'), makeEnv()))).toEqual(bytes(1, 2, 3));
  });

  it('an update replies and its changes persist', async () => {
    const instance = await counter();
    expect(replyOf(instance.execute(update('inc'), makeEnv()))).toEqual(u32le(1));
    const second = instance.execute(update('inc'), makeEnv());
    expect(replyOf(second)).toEqual(u32le(2));
    expect(second.effects).toEqual({
      calls: [],
      cyclesAccepted: 0n,
      cyclesBurned: 0n,
      cyclesSent: 0n,
    });
    expect(readState(instance)).toEqual([2, 2, 0]);
  });

  it('a query never persists heap, globals or stable memory, in either mode', async () => {
    const instance = await counter();
    instance.execute(update('inc_stable'), makeEnv());
    for (const mode of ['non_replicated', 'replicated'] as const) {
      expect(replyOf(instance.execute(query('mutate', mode), makeEnv()))).toEqual(u32le(2));
      expect(readState(instance)).toEqual([1, 1, 1]);
    }
  });

  it('an update that traps rolls back heap, globals, stable memory, certified data, timer and calls', async () => {
    const instance = await counter();
    instance.execute(update('inc_stable'), makeEnv());
    const result = instance.execute(update('inc_then_trap'), makeEnv());
    expect(result.outcome).toEqual({
      kind: 'trapped',
      icErrorCode: 'IC0503',
      message: "Canister called `ic0.trap` with message: 'boom'",
    });
    expect(result.effects).toEqual({
      calls: [],
      cyclesAccepted: 0n,
      cyclesBurned: 0n,
      cyclesSent: 0n,
    });
    expect(readState(instance)).toEqual([1, 1, 1]);
  });

  it('a trap after memory.grow restores the old memory size and contents', async () => {
    const instance = await counter();
    instance.execute(update('inc'), makeEnv());
    expect(instance.heapSizeBytes).toBe(65_536);
    const result = instance.execute(update('grow_then_trap'), makeEnv());
    expect(result.outcome).toEqual({
      kind: 'trapped',
      icErrorCode: 'IC0502',
      message: 'Canister trapped: unreachable',
    });
    expect(instance.heapSizeBytes).toBe(65_536);
    expect(readState(instance)).toEqual([1, 1, 0]);
    // The re-instantiated module still works, including its table.
    expect(replyOf(instance.execute(update('inc'), makeEnv()))).toEqual(u32le(2));
    const call = instance.execute(update('call_out'), makeEnv()).effects.calls[0];
    expect(call?.reply).toEqual({ fun: 0, env: 42 });
  });

  it('replying twice traps with a contract violation', async () => {
    const instance = await counter();
    const result = instance.execute(update('reply_twice'), makeEnv());
    expect(result.outcome).toEqual({
      kind: 'trapped',
      icErrorCode: 'IC0504',
      message: 'Canister violated contract: ic0.msg_reply: the call is already replied',
    });
  });

  it('certified_data_set in a query traps with IC0504', async () => {
    const instance = await counter();
    expect(instance.execute(query('certify_in_query'), makeEnv()).outcome).toEqual({
      kind: 'trapped',
      icErrorCode: 'IC0504',
      message:
        'Canister violated contract: "ic0_certified_data_set" cannot be executed in non replicated query mode',
    });
  });

  it('call_new in a replicated query traps with IC0504', async () => {
    const instance = await counter();
    expect(instance.execute(query('call_in_query', 'replicated'), makeEnv()).outcome).toEqual({
      kind: 'trapped',
      icErrorCode: 'IC0504',
      message:
        'Canister violated contract: "ic0_call_new" cannot be executed in replicated query mode',
    });
  });

  it('msg_arg_data_copy in a reject callback traps with IC0504', async () => {
    const instance = await counter();
    const result = instance.execute(
      {
        kind: 'reject_callback',
        callback: { fun: 3, env: 0 },
        rejectCode: 4,
        rejectMessage: 'no',
        refundedCycles: 0n,
      },
      makeEnv(),
    );
    expect(result.outcome).toEqual({
      kind: 'trapped',
      icErrorCode: 'IC0504',
      message:
        'Canister violated contract: "ic0_msg_arg_data_copy" cannot be executed in reject callback mode',
    });
  });

  it('a performed call is returned with its callbacks and is delivered only on commit', async () => {
    const instance = await counter();
    const result = instance.execute(update('call_out'), makeEnv());
    expect(result.outcome).toEqual({ kind: 'no_response' });
    expect(result.effects.calls).toEqual([
      {
        callee: text('callee-id'),
        method: 'foo',
        arg: text('boom'),
        cycles: 0n,
        reply: { fun: 0, env: 42 },
        reject: { fun: 1, env: 43 },
        cleanup: { fun: 2, env: 44 },
      },
    ]);
  });

  it('a reply callback runs through the table with its env and sees the reply as argument', async () => {
    const instance = await counter();
    const [call] = instance.execute(update('call_out'), makeEnv()).effects.calls;
    const result = instance.execute(
      {
        kind: 'reply_callback',
        callback: call!.reply,
        data: bytes(9, 8),
        refundedCycles: 0n,
        callContext: { caller: CALLER, responded: false, cyclesAvailable: 0n },
      },
      makeEnv(),
    );
    expect(replyOf(result)).toEqual(bytes(9, 8));
    expect(replyOf(instance.execute(query('callback_log'), makeEnv())).subarray(0, 4)).toEqual(
      u32le(42),
    );
  });

  it('a reject callback sees the reject code and message and can reject in turn', async () => {
    const instance = await counter();
    const [call] = instance.execute(update('call_out'), makeEnv()).effects.calls;
    const result = instance.execute(
      {
        kind: 'reject_callback',
        callback: call!.reject,
        rejectCode: 4,
        rejectMessage: 'nope',
        refundedCycles: 0n,
        callContext: { caller: CALLER, responded: false, cyclesAvailable: 0n },
      },
      makeEnv(),
    );
    expect(result.outcome).toEqual({ kind: 'rejected', message: 'nope' });
    const log = replyOf(instance.execute(query('callback_log'), makeEnv()));
    expect([log.subarray(0, 4), log.subarray(4, 8)]).toEqual([u32le(43), u32le(4)]);
  });

  it('a callback cannot reply when its call context was already answered', async () => {
    const instance = await counter();
    const result = instance.execute(
      {
        kind: 'reply_callback',
        callback: { fun: 0, env: 1 },
        data: bytes(1),
        refundedCycles: 0n,
        callContext: { caller: CALLER, responded: true, cyclesAvailable: 0n },
      },
      makeEnv(),
    );
    expect(result.outcome).toMatchObject({ kind: 'trapped', icErrorCode: 'IC0504' });
  });

  it('a cleanup callback runs with its env and commits', async () => {
    const instance = await counter();
    const result = instance.execute(
      {
        kind: 'cleanup',
        callback: { fun: 2, env: 44 },
        callContext: { caller: CALLER, responded: false, cyclesAvailable: 0n },
      },
      makeEnv(),
    );
    expect(result.outcome).toEqual({ kind: 'no_response' });
    expect(replyOf(instance.execute(query('callback_log'), makeEnv())).subarray(8, 12)).toEqual(
      u32le(44),
    );
  });

  it('a callback index outside the table traps with IC0513 and changes nothing', async () => {
    const instance = await counter();
    const result = instance.execute({ kind: 'cleanup', callback: { fun: 99, env: 0 } }, makeEnv());
    expect(result.outcome).toMatchObject({ kind: 'trapped', icErrorCode: 'IC0513' });
  });

  it('certified data set by a committed update is reported as an effect', async () => {
    const instance = await counter();
    expect(instance.execute(update('certify'), makeEnv()).effects.certifiedData).toEqual(
      text('foo'),
    );
  });

  it('an update the module does not export is refused with REPLICA_EXEC_METHOD_NOT_FOUND', async () => {
    const instance = await counter();
    expect(() => instance.execute(update('nope'), makeEnv())).toThrowError(
      expect.objectContaining({ code: 'REPLICA_EXEC_METHOD_NOT_FOUND' }),
    );
    expect(instance.methodKind('inc')).toBe('update');
    expect(instance.methodKind('read')).toBe('query');
    expect(instance.methodKind('nope')).toBeUndefined();
  });

  it('absent optional entry points succeed without effects and inspect_message accepts', async () => {
    const instance = await counter();
    expect(instance.execute({ kind: 'heartbeat' }, makeEnv()).outcome).toEqual({
      kind: 'no_response',
    });
    const inspect = instance.execute(
      { kind: 'inspect_message', method: 'inc', arg: new Uint8Array(0), caller: CALLER },
      makeEnv(),
    );
    expect(inspect.effects.acceptedMessage).toBe(true);
  });

  it('a snapshot restored into a new instance reproduces heap, globals and stable memory', async () => {
    const instance = await counter();
    instance.execute(update('inc_stable'), makeEnv());
    instance.execute(update('inc_stable'), makeEnv());
    const snapshot = instance.snapshot();
    const restored = await createCanisterInstance(instance.prepared, { snapshot });
    const again = restored.snapshot();
    // Buffer.equals keeps the 64 KiB comparisons fast (deep equality walks every byte).
    expect(Buffer.from(again.heap).equals(Buffer.from(snapshot.heap))).toBe(true);
    expect(Buffer.from(again.stable).equals(Buffer.from(snapshot.stable))).toBe(true);
    expect(again.globals).toEqual(snapshot.globals);
    expect(readState(restored)).toEqual([2, 2, 2]);
    expect(replyOf(restored.execute(query('init_arg'), makeEnv()))).toEqual(bytes(1, 2, 3));
  });

  it('a tentative execution can be rolled back after it succeeded', async () => {
    const instance = await counter();
    instance.execute(update('inc_stable'), makeEnv(), { tentative: true });
    expect(() => instance.execute(update('inc'), makeEnv())).toThrowError(
      expect.objectContaining({ code: 'REPLICA_EXEC_INVALID_STATE' }),
    );
    instance.rollback();
    expect(readState(instance)).toEqual([0, 0, 0]);
    instance.execute(update('inc_stable'), makeEnv(), { tentative: true });
    instance.commit();
    expect(readState(instance)).toEqual([1, 1, 1]);
  });

  it('stable memory handed to an upgraded module keeps the old contents and is independent', async () => {
    const instance = await counter();
    instance.execute(update('inc_stable'), makeEnv());
    const upgraded = await createCanisterInstance(instance.prepared, {
      stableMemory: instance.stableMemory(),
    });
    expect(readState(upgraded)).toEqual([0, 0, 1]);
    upgraded.execute(update('inc_stable'), makeEnv());
    expect(readState(instance)).toEqual([1, 1, 1]);
  });

  it('composite queries are refused with REPLICA_EXEC_UNSUPPORTED', async () => {
    const instance = await counter();
    expect(() =>
      instance.execute(
        { kind: 'composite_query', method: 'read', arg: new Uint8Array(0), caller: CALLER },
        makeEnv(),
      ),
    ).toThrowError(expect.objectContaining({ code: 'REPLICA_EXEC_UNSUPPORTED' }));
  });
});

describe('the real Azle probe canister', () => {
  // Built by `npm run build:canisters`, which `npm test` runs before Vitest.
  const path = fileURLToPath(new URL('../../test-canisters/dist/probe.wasm.gz', import.meta.url));
  let instance: CanisterInstance;

  beforeAll(async () => {
    if (!existsSync(path)) {
      throw new Error(`${path} is missing: run \`npm run build:canisters\` first.`);
    }
    instance = await createCanisterInstance(await prepareModule(readFileSync(path)));
  });

  it('installs, counts with inc and reads the count with get', () => {
    const empty = new Uint8Array(IDL.encode([], []));
    const init = instance.execute(
      { kind: 'init', arg: new Uint8Array(IDL.encode([IDL.Opt(IDL.Text)], [[]])), caller: CALLER },
      makeEnv(),
    );
    expect(init.outcome.kind).toBe('no_response');
    const inc = instance.execute(update('inc', empty), makeEnv());
    expect(IDL.decode([IDL.Nat], replyOf(inc))).toEqual([1n]);
    const get = instance.execute({ ...query('get'), arg: empty }, makeEnv());
    expect(IDL.decode([IDL.Nat], replyOf(get))).toEqual([1n]);
  });
});
