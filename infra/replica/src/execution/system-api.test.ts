import wabtInit from 'wabt';
import { describe, expect, it } from 'vitest';
import { createCanisterInstance } from './canister-instance.js';
import { prepareModule } from './prepare-module.js';
import { SYSTEM_API } from './system-api-imports.js';
import type {
  CanisterInstance,
  CreateCanisterInstanceOptions,
  ExecutionEntry,
  ExecutionEnv,
  ExecutionResult,
} from './types.js';

const wabt = await wabtInit();

/** A module importing every System API function it names, plus `body`. */
async function canister(
  body: string,
  options: CreateCanisterInstanceOptions = {},
): Promise<CanisterInstance> {
  const used = [...SYSTEM_API.keys()].filter(
    (name) => body.includes(`$${name} `) || body.includes(`$${name})`),
  );
  const imports = used
    .map((name) => {
      const api = SYSTEM_API.get(name)!;
      const params = api.params.length > 0 ? `(param ${api.params.join(' ')})` : '';
      const results = api.results.length > 0 ? `(result ${api.results.join(' ')})` : '';
      return `(import "ic0" "${name}" (func $${name} ${params} ${results}))`;
    })
    .join('\n');
  const wasm = wabt.parseWat('probe.wat', `(module ${imports} ${body})`).toBinary({}).buffer;
  return createCanisterInstance(await prepareModule(wasm), options);
}

const CALLER = Uint8Array.of(7, 7, 7);
const CANISTER_ID = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1, 1, 1);

function makeEnv(overrides: Partial<ExecutionEnv> = {}): ExecutionEnv {
  return {
    canisterId: CANISTER_ID,
    timeNs: 1_700_000_000_123_456_789n,
    controllers: [CALLER],
    rootKeyDer: Uint8Array.from({ length: 133 }, (_, i) => i),
    cyclesBalance: 1_000_000n,
    canisterVersion: 5n,
    status: 'running',
    subnetId: Uint8Array.of(9, 9, 2),
    globalTimerNs: 0n,
    instructionLimit: 40_000_000_000n,
    ...overrides,
  };
}

const update = (method: string, arg: Uint8Array = new Uint8Array(0)): ExecutionEntry => ({
  kind: 'update',
  method,
  arg,
  caller: CALLER,
});
const query = (
  method: string,
  mode: 'replicated' | 'non_replicated' = 'non_replicated',
  extra: { dataCertificate?: Uint8Array; arg?: Uint8Array } = {},
): ExecutionEntry => ({
  kind: 'query',
  method,
  arg: extra.arg ?? new Uint8Array(0),
  caller: CALLER,
  mode,
  ...(extra.dataCertificate === undefined ? {} : { dataCertificate: extra.dataCertificate }),
});

function replyOf(result: ExecutionResult): Uint8Array {
  if (result.outcome.kind !== 'replied') {
    throw new Error(`expected a reply, got ${JSON.stringify(result.outcome)}`);
  }
  return result.outcome.data;
}

const view = (data: Uint8Array) => new DataView(data.buffer, data.byteOffset, data.byteLength);
const u64At = (data: Uint8Array, offset: number) => view(data).getBigUint64(offset, true);
const u128At = (data: Uint8Array, offset: number) =>
  (u64At(data, offset + 8) << 64n) | u64At(data, offset);
const i64le = (...values: bigint[]) => {
  const out = new Uint8Array(values.length * 8);
  values.forEach((v, i) => view(out).setBigInt64(i * 8, v, true));
  return out;
};

/** Replies with `n` bytes of memory starting at 0. */
const REPLY_MEMORY = (n: number) => `
  (call $msg_reply_data_append (i32.const 0) (i32.const ${n}))
  (call $msg_reply)`;

describe('stable memory System API', () => {
  const STABLE = `
    (memory 1)
    (func (export "canister_update grow")
      (call $msg_arg_data_copy (i32.const 0) (i32.const 0) (i32.const 8))
      (i64.store (i32.const 0) (call $stable64_grow (i64.load (i32.const 0))))
      ${REPLY_MEMORY(8)})
    (func (export "canister_update write")
      (call $msg_arg_data_copy (i32.const 0) (i32.const 0) (call $msg_arg_data_size))
      (call $stable64_write (i64.load (i32.const 0)) (i64.const 8)
        (i64.extend_i32_u (i32.sub (call $msg_arg_data_size) (i32.const 8))))
      (call $msg_reply))
    (func (export "canister_query read")
      (call $msg_arg_data_copy (i32.const 0) (i32.const 0) (i32.const 16))
      (call $stable64_read (i64.const 100) (i64.load (i32.const 0)) (i64.load (i32.const 8)))
      (call $msg_reply_data_append (i32.const 100) (i32.wrap_i64 (i64.load (i32.const 8))))
      (call $msg_reply))
    (func (export "canister_query size")
      (i64.store (i32.const 0) (call $stable64_size))
      (i32.store (i32.const 8) (call $stable_size))
      ${REPLY_MEMORY(12)})`;

  it('stable64_grow returns the old page count, and -1 past the cap without trapping', async () => {
    const instance = await canister(STABLE, { maxStablePages: 4n });
    expect(u64At(replyOf(instance.execute(update('grow', i64le(2n)), makeEnv())), 0)).toBe(0n);
    expect(u64At(replyOf(instance.execute(update('grow', i64le(1n)), makeEnv())), 0)).toBe(2n);
    const refused = replyOf(instance.execute(update('grow', i64le(2n)), makeEnv()));
    expect(view(refused).getBigInt64(0, true)).toBe(-1n);
    const size = replyOf(instance.execute(query('size'), makeEnv()));
    expect([u64At(size, 0), view(size).getUint32(8, true)]).toEqual([3n, 3]);
  });

  it('stable64_write and stable64_read work across a page boundary', async () => {
    const instance = await canister(STABLE);
    instance.execute(update('grow', i64le(2n)), makeEnv());
    const payload = Uint8Array.of(...i64le(65_534n), 0xa, 0xb, 0xc, 0xd);
    expect(instance.execute(update('write', payload), makeEnv()).outcome.kind).toBe('replied');
    const read = instance.execute(
      query('read', 'non_replicated', { arg: i64le(65_533n, 6n) }),
      makeEnv(),
    );
    expect(replyOf(read)).toEqual(Uint8Array.of(0, 0xa, 0xb, 0xc, 0xd, 0));
  });

  it('reading or writing past the end of stable memory traps', async () => {
    const instance = await canister(STABLE);
    instance.execute(update('grow', i64le(1n)), makeEnv());
    const trappedRead = instance.execute(
      query('read', 'non_replicated', { arg: i64le(65_535n, 2n) }),
      makeEnv(),
    );
    expect(trappedRead.outcome).toEqual({
      kind: 'trapped',
      icErrorCode: 'IC0502',
      message: 'Canister trapped: stable memory out of bounds',
    });
    const trappedWrite = instance.execute(
      update('write', Uint8Array.of(...i64le(65_535n), 1, 2)),
      makeEnv(),
    );
    expect(trappedWrite.outcome).toMatchObject({ icErrorCode: 'IC0502' });
  });

  it('stable64_read into memory past the end of the heap traps', async () => {
    const instance = await canister(STABLE);
    instance.execute(update('grow', i64le(2n)), makeEnv());
    const result = instance.execute(
      query('read', 'non_replicated', { arg: i64le(0n, 70_000n) }),
      makeEnv(),
    );
    expect(result.outcome).toEqual({
      kind: 'trapped',
      icErrorCode: 'IC0502',
      message: 'Canister trapped: heap out of bounds',
    });
  });
});

describe('cycles System API', () => {
  it('128-bit values are read and written as 16 little-endian bytes', async () => {
    const instance = await canister(`
      (memory 1)
      (func (export "canister_update cycles")
        (call $msg_cycles_available128 (i32.const 0))
        (call $msg_cycles_accept128 (i64.const 0) (i64.const 1000) (i32.const 16))
        (call $msg_cycles_available128 (i32.const 32))
        (call $canister_cycle_balance128 (i32.const 48))
        (call $cycles_burn128 (i64.const 0) (i64.const 10) (i32.const 64))
        ${REPLY_MEMORY(80)})`);
    const available = 2n ** 64n + 5_000n;
    const result = instance.execute(
      {
        kind: 'update',
        method: 'cycles',
        arg: new Uint8Array(0),
        caller: CALLER,
        cyclesAvailable: available,
      },
      makeEnv(),
    );
    const data = replyOf(result);
    expect([0, 16, 32, 48, 64].map((offset) => u128At(data, offset))).toEqual([
      available,
      1_000n,
      available - 1_000n,
      1_001_000n,
      10n,
    ]);
    expect(result.effects).toMatchObject({ cyclesAccepted: 1_000n, cyclesBurned: 10n });
  });

  it('cycles attached to a performed call are sent; cycles on a dropped call come back', async () => {
    const instance = await canister(`
      (memory 1)
      (data (i32.const 100) "callee")
      (func $new
        (call $call_new (i32.const 100) (i32.const 6) (i32.const 100) (i32.const 1)
                        (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)))
      (func (export "canister_update pay")
        (call $new)
        (call $call_cycles_add128 (i64.const 0) (i64.const 500))
        (drop (call $call_perform))
        (call $new)
        (call $call_cycles_add (i64.const 300))
        (call $new)
        (call $canister_cycle_balance128 (i32.const 0))
        ${REPLY_MEMORY(16)})`);
    const result = instance.execute(update('pay'), makeEnv());
    expect(u128At(replyOf(result), 0)).toBe(1_000_000n - 500n);
    expect(result.effects.cyclesSent).toBe(500n);
    expect(result.effects.calls.map((c) => c.cycles)).toEqual([500n]);
  });

  it('attaching more cycles than the balance traps', async () => {
    const instance = await canister(`
      (memory 1)
      (func (export "canister_update pay")
        (call $call_new (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 1)
                        (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
        (call $call_cycles_add128 (i64.const 1) (i64.const 0)))`);
    expect(instance.execute(update('pay'), makeEnv()).outcome).toMatchObject({
      kind: 'trapped',
      icErrorCode: 'IC0504',
    });
  });

  it('only the balance above the freezing reserve can be attached or burned', async () => {
    const instance = await canister(`
      (memory 1)
      (func (export "canister_update spend")
        (call $canister_liquid_cycle_balance128 (i32.const 0))
        (call $cycles_burn128 (i64.const 0) (i64.const 1000000) (i32.const 16))
        (call $canister_liquid_cycle_balance128 (i32.const 32))
        ${REPLY_MEMORY(48)})
      (data (i32.const 200) "m")
      (func (export "canister_update attach")
        (call $call_new (i32.const 200) (i32.const 1) (i32.const 200) (i32.const 1)
                        (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
        (call $call_cycles_add (i64.const 600001)))`);
    const env = makeEnv({ cyclesBalance: 1_000_000n, freezingReserve: 400_000n });
    const data = replyOf(instance.execute(update('spend'), env));
    expect([0, 16, 32].map((offset) => u128At(data, offset))).toEqual([600_000n, 600_000n, 0n]);
    expect(instance.execute(update('attach'), env).outcome).toMatchObject({
      kind: 'trapped',
      icErrorCode: 'IC0504',
      message: expect.stringContaining("the canister's liquid balance is 600000"),
    });
  });

  it('the 64-bit balance call traps when the balance needs more than 64 bits', async () => {
    const instance = await canister(`
      (func (export "canister_update balance") (drop (call $canister_cycle_balance)))`);
    expect(
      instance.execute(update('balance'), makeEnv({ cyclesBalance: 2n ** 64n })).outcome,
    ).toEqual({
      kind: 'trapped',
      icErrorCode: 'IC0502',
      message: 'Canister trapped: cycles amount exceeds 64-bit representation',
    });
  });
});

describe('System API context rules and values', () => {
  it('time is the env time and global_timer_set returns the previous value', async () => {
    const instance = await canister(`
      (memory 1)
      (func (export "canister_update timer")
        (i64.store (i32.const 0) (call $time))
        (i64.store (i32.const 8) (call $global_timer_set (i64.const 100)))
        (i64.store (i32.const 16) (call $global_timer_set (i64.const 0)))
        (i64.store (i32.const 24) (call $time))
        ${REPLY_MEMORY(32)})`);
    const env = makeEnv({ globalTimerNs: 77n });
    const result = instance.execute(update('timer'), env);
    const data = replyOf(result);
    expect([0, 8, 16, 24].map((o) => u64At(data, o))).toEqual([env.timeNs, 77n, 100n, env.timeNs]);
    expect(result.effects.globalTimerNs).toBe(0n);
  });

  it('in_replicated_execution is 1 in updates and replicated queries, 0 in non-replicated queries', async () => {
    const body = `
      (memory 1)
      (func $run (i32.store (i32.const 0) (call $in_replicated_execution)) ${REPLY_MEMORY(4)})
      (func (export "canister_update u") (call $run))
      (func (export "canister_query q") (call $run))`;
    const instance = await canister(body);
    const flag = (result: ExecutionResult) => replyOf(result)[0];
    expect(flag(instance.execute(update('u'), makeEnv()))).toBe(1);
    expect(flag(instance.execute(query('q', 'replicated'), makeEnv()))).toBe(1);
    expect(flag(instance.execute(query('q', 'non_replicated'), makeEnv()))).toBe(0);
  });

  it('is_controller checks the principal and traps on bytes that cannot be one', async () => {
    const instance = await canister(`
      (memory 1)
      (func (export "canister_query check")
        (call $msg_arg_data_copy (i32.const 100) (i32.const 0) (call $msg_arg_data_size))
        (i32.store (i32.const 0) (call $is_controller (i32.const 100) (call $msg_arg_data_size)))
        ${REPLY_MEMORY(4)})`);
    const check = (principal: Uint8Array) =>
      instance.execute(query('check', 'non_replicated', { arg: principal }), makeEnv());
    expect(replyOf(check(CALLER))[0]).toBe(1);
    expect(replyOf(check(Uint8Array.of(1)))[0]).toBe(0);
    expect(check(new Uint8Array(30)).outcome).toMatchObject({ icErrorCode: 'IC0504' });
  });

  it('a data certificate is visible only in non-replicated queries that were given one', async () => {
    const instance = await canister(`
      (memory 1)
      (func (export "canister_query cert")
        (i32.store (i32.const 0) (call $data_certificate_present))
        (if (i32.eq (i32.load (i32.const 0)) (i32.const 1))
          (then (call $data_certificate_copy (i32.const 4) (i32.const 0) (call $data_certificate_size))))
        ${REPLY_MEMORY(7)})
      (func (export "canister_query cert_size")
        (drop (call $data_certificate_size)))`);
    const certificate = Uint8Array.of(0xc, 0xe, 0x7);
    const nrq = instance.execute(
      query('cert', 'non_replicated', { dataCertificate: certificate }),
      makeEnv(),
    );
    expect(replyOf(nrq)).toEqual(Uint8Array.of(1, 0, 0, 0, 0xc, 0xe, 0x7));
    const rq = instance.execute(
      query('cert', 'replicated', { dataCertificate: certificate }),
      makeEnv(),
    );
    expect(replyOf(rq)[0]).toBe(0);
    expect(instance.execute(query('cert_size', 'replicated'), makeEnv()).outcome).toEqual({
      kind: 'trapped',
      icErrorCode: 'IC0504',
      message:
        'Canister violated contract: "ic0_data_certificate_size" cannot be executed in replicated query mode',
    });
    expect(instance.execute(query('cert_size'), makeEnv()).outcome).toMatchObject({
      icErrorCode: 'IC0504',
    });
  });

  it('inspect_message sees the method name, accepts at most once and never persists', async () => {
    const instance = await canister(`
      (memory 1)
      (func (export "canister_inspect_message")
        (i32.store (i32.const 500) (i32.const 1))
        (call $msg_method_name_copy (i32.const 0) (i32.const 0) (call $msg_method_name_size))
        (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 121)) ;; 'y'
          (then (call $accept_message)))
        (if (i32.eq (i32.load8_u (i32.const 1)) (i32.const 121)) ;; 'yy': accept twice
          (then (call $accept_message))))
      (func (export "canister_query touched")
        (call $msg_reply_data_append (i32.const 500) (i32.const 1)) (call $msg_reply))
      (func (export "canister_update name") (drop (call $msg_method_name_size)))`);
    const inspect = (method: string) =>
      instance.execute(
        { kind: 'inspect_message', method, arg: new Uint8Array(0), caller: CALLER },
        makeEnv(),
      );
    expect(inspect('yes').effects.acceptedMessage).toBe(true);
    expect(inspect('no').effects.acceptedMessage).toBe(false);
    expect(inspect('yy').outcome).toMatchObject({ kind: 'trapped', icErrorCode: 'IC0504' });
    expect(replyOf(instance.execute(query('touched'), makeEnv()))).toEqual(Uint8Array.of(0));
    expect(instance.execute(update('name'), makeEnv()).outcome).toEqual({
      kind: 'trapped',
      icErrorCode: 'IC0504',
      message:
        'Canister violated contract: "ic0_msg_method_name_size" cannot be executed in update mode',
    });
  });

  it('msg_reject refuses a message that is not UTF-8', async () => {
    const instance = await canister(`
      (memory 1)
      (data (i32.const 0) "\\ff\\fe")
      (func (export "canister_update bad") (call $msg_reject (i32.const 0) (i32.const 2)))`);
    expect(instance.execute(update('bad'), makeEnv()).outcome).toEqual({
      kind: 'trapped',
      icErrorCode: 'IC0504',
      message: 'Canister violated contract: ic0.msg_reject: invalid UTF-8 string provided',
    });
  });

  it('replies may be 2 MiB in replicated executions and 3 MiB in non-replicated queries', async () => {
    const instance = await canister(`
      (memory 48)
      (func $big (call $msg_reply_data_append (i32.const 0) (i32.const 2621440)) (call $msg_reply))
      (func (export "canister_update big") (call $big))
      (func (export "canister_query big_query") (call $big))`);
    expect(instance.execute(update('big'), makeEnv()).outcome).toEqual({
      kind: 'trapped',
      icErrorCode: 'IC0504',
      message:
        'Canister violated contract: ic0.msg_reply_data_append: application payload size (2621440) cannot be larger than 2097152.',
    });
    expect(instance.execute(query('big_query', 'replicated'), makeEnv()).outcome.kind).toBe(
      'trapped',
    );
    expect(replyOf(instance.execute(query('big_query'), makeEnv())).length).toBe(2_621_440);
  });

  it('copying past the end of the argument traps with the IC text', async () => {
    const instance = await canister(`
      (memory 1)
      (func (export "canister_update copy") (call $msg_arg_data_copy (i32.const 0) (i32.const 0) (i32.const 10)))`);
    expect(instance.execute(update('copy', Uint8Array.of(1, 2)), makeEnv()).outcome).toEqual({
      kind: 'trapped',
      icErrorCode: 'IC0504',
      message:
        'Canister violated contract: ic0.msg_arg_data_copy payload: src=0 + length=10 exceeds the slice size=2',
    });
  });

  it('system tasks run with the management canister as caller and cannot reply', async () => {
    const instance = await canister(`
      (memory 1)
      (func (export "canister_global_timer")
        (i32.store (i32.const 0) (call $msg_caller_size)))
      (func (export "canister_heartbeat") (call $msg_reply))
      (func (export "canister_query caller_size") ${REPLY_MEMORY(4)})`);
    expect(instance.execute({ kind: 'global_timer' }, makeEnv()).outcome).toEqual({
      kind: 'no_response',
    });
    expect(replyOf(instance.execute(query('caller_size'), makeEnv()))[0]).toBe(0);
    expect(instance.execute({ kind: 'heartbeat' }, makeEnv()).outcome).toEqual({
      kind: 'trapped',
      icErrorCode: 'IC0504',
      message: 'Canister violated contract: "ic0_msg_reply" cannot be executed in heartbeat mode',
    });
  });

  it('callbacks see the caller of their call context and cleanups see the reject code', async () => {
    const instance = await canister(`
      (memory 1)
      (table 2 funcref)
      (elem (i32.const 0) $on_reply $cleanup)
      (func $on_reply (param i32)
        (call $msg_caller_copy (i32.const 0) (i32.const 0) (call $msg_caller_size))
        ${REPLY_MEMORY(3)})
      (func $cleanup (param i32)
        (i32.store (i32.const 100) (call $msg_reject_code)))
      (func (export "canister_query log")
        (call $msg_reply_data_append (i32.const 100) (i32.const 4)) (call $msg_reply))`);
    const callContext = { caller: Uint8Array.of(1, 2, 3), responded: false, cyclesAvailable: 0n };
    const reply = instance.execute(
      {
        kind: 'reply_callback',
        callback: { fun: 0, env: 0 },
        data: new Uint8Array(0),
        refundedCycles: 0n,
        callContext,
      },
      makeEnv(),
    );
    expect(replyOf(reply)).toEqual(Uint8Array.of(1, 2, 3));
    instance.execute(
      { kind: 'cleanup', callback: { fun: 1, env: 0 }, rejectCode: 5, callContext },
      makeEnv(),
    );
    expect(replyOf(instance.execute(query('log'), makeEnv()))[0]).toBe(5);
  });

  it('self id, subnet id and root key are copied out; the root key is refused in queries', async () => {
    const instance = await canister(`
      (memory 1)
      (func $ids
        (call $canister_self_copy (i32.const 0) (i32.const 0) (call $canister_self_size))
        (call $subnet_self_copy (i32.const 10) (i32.const 0) (call $subnet_self_size))
        (call $root_key_copy (i32.const 13) (i32.const 0) (i32.const 2))
        ${REPLY_MEMORY(15)})
      (func (export "canister_update ids") (call $ids))
      (func (export "canister_query ids_query") (call $ids))`);
    expect(replyOf(instance.execute(update('ids'), makeEnv()))).toEqual(
      Uint8Array.of(...CANISTER_ID, 9, 9, 2, 0, 1),
    );
    expect(instance.execute(query('ids_query'), makeEnv()).outcome).toMatchObject({
      icErrorCode: 'IC0504',
    });
  });

  it('environment variables are indexed in name order', async () => {
    const instance = await canister(`
      (memory 1)
      (func (export "canister_query env")
        (i32.store (i32.const 0) (call $env_var_count))
        (call $env_var_name_copy (i32.const 0) (i32.const 4) (i32.const 0) (call $env_var_name_size (i32.const 0)))
        ${REPLY_MEMORY(5)})`);
    const env = makeEnv({
      environmentVariables: [
        { name: 'b', value: '2' },
        { name: 'a', value: '1' },
      ],
    });
    expect(replyOf(instance.execute(query('env'), env))).toEqual(Uint8Array.of(2, 0, 0, 0, 97));
  });

  it('cost calls write plausible fees and report unknown keys and curves', async () => {
    const instance = await canister(`
      (memory 1)
      (data (i32.const 200) "test_key_1nope")
      (func (export "canister_query costs")
        (call $cost_call (i64.const 3) (i64.const 10) (i32.const 0))
        (i32.store (i32.const 16) (call $cost_sign_with_ecdsa (i32.const 200) (i32.const 10) (i32.const 0) (i32.const 20)))
        (i32.store (i32.const 36) (call $cost_sign_with_ecdsa (i32.const 210) (i32.const 4) (i32.const 0) (i32.const 40)))
        (i32.store (i32.const 56) (call $cost_sign_with_schnorr (i32.const 200) (i32.const 10) (i32.const 9) (i32.const 40)))
        ${REPLY_MEMORY(60)})`);
    const data = replyOf(instance.execute(query('costs'), makeEnv()));
    expect(u128At(data, 0)).toBe(260_000n + 13n * 1_000n);
    expect([data[16], u128At(data, 20), data[36], data[56]]).toEqual([0, 10_000_000_000n, 2, 1]);
  });
});

describe('traps and limits', () => {
  it('debug_print goes to the env callback and never traps, even out of bounds', async () => {
    const lines: string[] = [];
    const instance = await canister(`
      (memory 1)
      (data (i32.const 0) "hello")
      (func (export "canister_update print")
        (call $debug_print (i32.const 0) (i32.const 5))
        (call $debug_print (i32.const 65535) (i32.const 10))
        (call $msg_reply))`);
    const result = instance.execute(update('print'), makeEnv({ debugPrint: (l) => lines.push(l) }));
    expect(result.outcome.kind).toBe('replied');
    expect(lines).toEqual(['hello', '(debug message out of memory bounds)']);
  });

  it('a throwing debugPrint callback is a host error: the execution is undone and REPLICA_EXEC_INTERNAL thrown', async () => {
    const instance = await canister(`
      (memory 1)
      (func (export "canister_update print")
        (i32.store (i32.const 0) (i32.const 1))
        (call $debug_print (i32.const 0) (i32.const 1)))
      (func (export "canister_query read") ${REPLY_MEMORY(1)})`);
    const env = makeEnv({
      debugPrint: () => {
        throw new Error('log sink is full');
      },
    });
    expect(() => instance.execute(update('print'), env)).toThrowError(
      expect.objectContaining({ code: 'REPLICA_EXEC_INTERNAL' }),
    );
    expect(replyOf(instance.execute(query('read'), makeEnv()))).toEqual(Uint8Array.of(0));
  });

  it('performance_counter grows within an execution and the instruction limit traps with IC0522', async () => {
    const instance = await canister(`
      (memory 1)
      (func (export "canister_update work")
        (i64.store (i32.const 0) (call $performance_counter (i32.const 0)))
        (call $msg_arg_data_copy (i32.const 100) (i32.const 0) (call $msg_arg_data_size))
        (i64.store (i32.const 8) (call $performance_counter (i32.const 0)))
        ${REPLY_MEMORY(16)})`);
    const arg = new Uint8Array(100);
    const result = instance.execute(update('work', arg), makeEnv());
    const data = replyOf(result);
    expect(u64At(data, 8) - u64At(data, 0)).toBeGreaterThanOrEqual(100n);
    expect(result.instructions).toBeGreaterThan(u64At(data, 8));
    expect(
      instance.execute(update('work', arg), makeEnv({ instructionLimit: 50n })).outcome,
    ).toEqual({
      kind: 'trapped',
      icErrorCode: 'IC0522',
      message: 'Canister exceeded the limit of 50 instructions for single message execution.',
    });
  });

  it('unbounded recursion traps with a stack overflow', async () => {
    const instance = await canister(`
      (func $deep (call $deep))
      (func (export "canister_update deep") (call $deep))`);
    expect(instance.execute(update('deep'), makeEnv()).outcome).toEqual({
      kind: 'trapped',
      icErrorCode: 'IC0502',
      message: 'Canister trapped: stack overflow',
    });
  });

  it('integer division by zero traps with the IC trap text', async () => {
    const instance = await canister(`
      (func (export "canister_update div") (drop (i32.div_u (i32.const 1) (i32.const 0))))`);
    expect(instance.execute(update('div'), makeEnv()).outcome).toMatchObject({
      message: 'Canister trapped: integer division by 0',
    });
  });

  it('the start function may use stable memory and debug_print', async () => {
    const lines: string[] = [];
    const instance = await canister(
      `
      (memory 1)
      (data (i32.const 0) "starting")
      (func $start
        (drop (call $stable64_grow (i64.const 1)))
        (call $debug_print (i32.const 0) (i32.const 8)))
      (start $start)`,
      { debugPrint: (l) => lines.push(l) },
    );
    expect(instance.stableSizeBytes).toBe(65_536);
    expect(lines).toEqual(['starting']);
  });

  it('stable-memory writes of a re-run start function never leak into rollbacks or restored snapshots', async () => {
    const instance = await canister(`
      (memory 1)
      (func $start
        (if (i64.eqz (call $stable64_size)) (then (drop (call $stable64_grow (i64.const 1)))))
        (call $stable64_read (i64.const 0) (i64.const 0) (i64.const 1))
        (i32.store8 (i32.const 0) (i32.add (i32.load8_u (i32.const 0)) (i32.const 1)))
        (call $stable64_write (i64.const 0) (i64.const 0) (i64.const 1)))
      (start $start)
      (func (export "canister_update grow_then_trap")
        (drop (memory.grow (i32.const 1)))
        (unreachable))
      (func (export "canister_query starts")
        (call $stable64_read (i64.const 0) (i64.const 0) (i64.const 1))
        ${REPLY_MEMORY(1)})`);
    const starts = (i: CanisterInstance) => replyOf(i.execute(query('starts'), makeEnv()))[0];
    expect(starts(instance)).toBe(1);
    expect(instance.execute(update('grow_then_trap'), makeEnv()).outcome.kind).toBe('trapped');
    expect(starts(instance)).toBe(1);
    const restored = await createCanisterInstance(instance.prepared, {
      snapshot: instance.snapshot(),
    });
    expect(starts(restored)).toBe(1);
  });

  it('a start function that breaks the contract fails instantiation with START_TRAPPED', async () => {
    const failure = canister(`
      (func $start (drop (call $msg_caller_size)))
      (start $start)`);
    await expect(failure).rejects.toMatchObject({
      code: 'REPLICA_EXEC_START_TRAPPED',
      details: { icErrorCode: 'IC0504' },
      message: 'Canister violated contract: "ic0_msg_caller_size" cannot be executed in start mode',
    });
  });
});
