import wabtInit from 'wabt';
import { describe, expect, it } from 'vitest';
import { createCanisterInstance } from './canister-instance.js';
import { instrumentModule } from './instrument-module.js';
import { prepareModule } from './prepare-module.js';
import type { CanisterInstance, ExecutionEnv, ExecutionResult } from './types.js';
import { parseWasmModule } from './wasm-binary.js';
import { wasmApi } from './wasm-js-api.js';

const wabt = await wabtInit();

function wat(text: string): Uint8Array {
  return wabt.parseWat('metering.wat', text).toBinary({}).buffer;
}

async function canister(body: string): Promise<CanisterInstance> {
  const imports = `
    (import "ic0" "msg_reply" (func $msg_reply))
    (import "ic0" "msg_reply_data_append" (func $msg_reply_data_append (param i32 i32)))
    (import "ic0" "performance_counter" (func $performance_counter (param i32) (result i64)))`;
  return createCanisterInstance(await prepareModule(wat(`(module ${imports} ${body})`)));
}

const ENV: ExecutionEnv = {
  canisterId: Uint8Array.of(1, 2, 3),
  timeNs: 1n,
  controllers: [],
  rootKeyDer: new Uint8Array(133),
  cyclesBalance: 10n ** 12n,
  canisterVersion: 0n,
  status: 'running',
  subnetId: Uint8Array.of(9),
  globalTimerNs: 0n,
  instructionLimit: 40_000_000_000n,
};

function call(instance: CanisterInstance, method: string, limit = ENV.instructionLimit) {
  return instance.execute(
    { kind: 'update', method, arg: new Uint8Array(0), caller: Uint8Array.of(4) },
    { ...ENV, instructionLimit: limit },
  );
}

function u64Reply(result: ExecutionResult): bigint {
  if (result.outcome.kind !== 'replied') {
    throw new Error(`expected a reply, got ${JSON.stringify(result.outcome)}`);
  }
  return new DataView(result.outcome.data.buffer, result.outcome.data.byteOffset).getBigUint64(
    0,
    true,
  );
}

describe('instruction metering', () => {
  it('charges one instruction per Wasm instruction of straight-line code', async () => {
    const instance = await canister(`
      (func (export "canister_update straight") (local i32)
        (local.set 0 (i32.const 1))
        (local.set 0 (i32.add (local.get 0) (i32.const 2)))
        (drop (i32.const 0)))`);
    // i32.const, local.set, local.get, i32.const, i32.add, local.set, i32.const, drop, end
    expect(call(instance, 'straight').instructions).toBe(9n);
  });

  it('charges a loop body once per iteration', async () => {
    const instance = await canister(`
      (func (export "canister_update count") (local $i i32)
        (loop $again
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $again (i32.lt_u (local.get $i) (i32.const 1000)))))`);
    // loop; 8 instructions per iteration; the loop's end and the function's end
    expect(call(instance, 'count').instructions).toBe(1n + 8n * 1000n + 2n);
    expect(call(instance, 'count').instructions).toBe(8003n);
  });

  it('stops an endless loop at the limit with IC0522 and keeps no state of it', async () => {
    const instance = await canister(`
      (memory 1)
      (func (export "canister_update spin")
        (i32.store (i32.const 0) (i32.const 42))
        (loop $forever (br $forever)))
      (func (export "canister_query read")
        (call $msg_reply_data_append (i32.const 0) (i32.const 8))
        (call $msg_reply))`);
    const result = call(instance, 'spin', 1_000_000n);
    expect(result.outcome).toEqual({
      kind: 'trapped',
      icErrorCode: 'IC0522',
      message: 'Canister exceeded the limit of 1000000 instructions for single message execution.',
    });
    expect(result.instructions).toBe(1_000_000n);
    const read = instance.execute(
      {
        kind: 'query',
        method: 'read',
        arg: new Uint8Array(0),
        caller: Uint8Array.of(4),
        mode: 'non_replicated',
      },
      ENV,
    );
    expect(u64Reply(read)).toBe(0n);
  });

  it('slices a long execution deterministically without changing what it counts', async () => {
    const instance = await canister(`
      (func (export "canister_update count") (local $i i32)
        (loop $again
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $again (i32.lt_u (local.get $i) (i32.const 1000)))))
      (func (export "canister_update spin") (loop $forever (br $forever)))`);
    const sliced = (method: string, limit: bigint) => {
      let pauses = 0;
      const result = instance.execute(
        { kind: 'update', method, arg: new Uint8Array(0), caller: Uint8Array.of(4) },
        { ...ENV, instructionLimit: limit },
        { slice: { instructions: 1_000n, pause: () => void pauses++ } },
      );
      return { result, pauses };
    };
    const count = sliced('count', ENV.instructionLimit);
    expect(count.result.instructions).toBe(8003n);
    // A pause at the first loop header past each 1 000 instructions; a slice also pays for
    // the overshoot of the segment that crossed the boundary, so 7 pauses, not 8.
    expect(count.pauses).toBe(7);
    expect(sliced('count', ENV.instructionLimit)).toEqual(count);
    const spin = sliced('spin', 10_000n);
    expect(spin.result.outcome).toMatchObject({ kind: 'trapped', icErrorCode: 'IC0522' });
    expect(spin.pauses).toBe(9);
  });

  it('stops endless recursion through the check at function entry', async () => {
    const instance = await canister(`
      (func $down (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0))
          (then (i32.const 0))
          (else (call $down (i32.sub (local.get 0) (i32.const 1))))))
      (func (export "canister_update deep") (drop (call $down (i32.const 5000))))`);
    const result = call(instance, 'deep', 10_000n);
    expect(result.outcome).toMatchObject({ kind: 'trapped', icErrorCode: 'IC0522' });
  });

  it('charges memory.fill and memory.copy by the bytes they touch', async () => {
    const instance = await canister(`
      (memory 32)
      (func (export "canister_update fill")
        (memory.fill (i32.const 0) (i32.const 7) (i32.const 1048576)))
      (func (export "canister_update copy")
        (memory.copy (i32.const 0) (i32.const 1048576) (i32.const 65536)))`);
    // three i32.const, the instruction itself, end; plus one per byte
    expect(call(instance, 'fill').instructions).toBe(5n + 1_048_576n);
    expect(call(instance, 'copy').instructions).toBe(5n + 65_536n);
    expect(call(instance, 'fill', 1000n).outcome).toMatchObject({ icErrorCode: 'IC0522' });
  });

  it('performance_counter sees the Wasm instructions executed so far', async () => {
    const instance = await canister(`
      (memory 1)
      (func (export "canister_update measure") (local $i i32)
        (loop $again
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $again (i32.lt_u (local.get $i) (i32.const 100))))
        (i64.store (i32.const 0) (call $performance_counter (i32.const 0)))
        (call $msg_reply_data_append (i32.const 0) (i32.const 8))
        (call $msg_reply))`);
    const counted = u64Reply(call(instance, 'measure'));
    // The loop (1 + 800 + 1), then the whole last segment, charged when it starts (9), and the
    // performance_counter call itself (1).
    expect(counted).toBe(802n + 9n + 1n);
    expect(u64Reply(call(instance, 'measure'))).toBe(counted);
  });

  it('decodes every instruction family a canister may use and meters them', async () => {
    const instance = await canister(`
      (memory 1)
      (table 2 funcref)
      (type $binary (func (param i32 i32) (result i32)))
      (func $add (type $binary) (i32.add (local.get 0) (local.get 1)))
      (elem (i32.const 0) $add)
      (data $bytes "abcdefgh")
      (func (export "canister_update mix") (result) (local f32 f64 i64 v128)
        (drop (call_indirect (type $binary) (i32.const 1) (i32.const 2) (i32.const 0)))
        (block $out
          (br_table $out $out (i32.const 1)))
        (drop (select (result i32) (i32.const 1) (i32.const 2) (i32.const 0)))
        (local.set 0 (f32.const 1.5))
        (local.set 1 (f64.const 2.5))
        (local.set 2 (i64.extend8_s (i64.const 300)))
        (drop (i32.trunc_sat_f64_s (local.get 1)))
        (local.set 3 (i32x4.add (v128.const i32x4 1 2 3 4) (v128.load (i32.const 0))))
        (v128.store offset=16 (i32.const 0) (local.get 3))
        (drop (i8x16.extract_lane_u 3 (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
          (local.get 3) (local.get 3))))
        (memory.init $bytes (i32.const 32) (i32.const 0) (i32.const 8))
        (drop (ref.is_null (ref.func $add)))
        (drop (table.size))
        (drop (memory.grow (i32.const 0)))
        (block (result i32 i32) (i32.const 1) (i32.const 2))
        drop
        drop)`);
    const result = call(instance, 'mix');
    expect(result.outcome).toEqual({ kind: 'no_response' });
    // The same message costs the same, run after run (memory.init also charges its 8 bytes).
    expect(call(instance, 'mix')).toEqual(result);
    expect(result.instructions).toBeGreaterThan(50n);
  });

  it('adds the counter global and the hook import, and renumbers every function reference', async () => {
    const original = wat(`(module
      (import "ic0" "msg_reply" (func $reply))
      (global (mut i32) (i32.const 5))
      (global $f funcref (ref.func $g))
      (table 2 funcref)
      (elem (i32.const 0) $g $h)
      (elem declare func $h)
      (func $g (export "g") (result i32) (call $h) (global.get 0))
      (func $h (drop (ref.func $g)) (call $k))
      (func $k)
      (start $k))`);
    const info = parseWasmModule(original);
    const { bytes, counterGlobal } = instrumentModule(original, info);
    const after = parseWasmModule(bytes);
    expect(counterGlobal).toBe(2);
    expect(after.globals.at(-1)).toEqual({ type: 'i64', mutable: true });
    expect(after.imports.map((i) => `${i.module}.${i.name}`)).toEqual([
      'ic0.msg_reply',
      '__citadel.out_of_instructions',
    ]);
    // $g was function 1 and is function 2 now: the hook took index 1.
    expect(after.exports).toEqual([{ name: 'g', kind: 'func', index: 2 }]);
    // Every renumbered reference still type-checks and points at the same function.
    const instance = new wasmApi.Instance(await wasmApi.compile(bytes), {
      ic0: { msg_reply: () => undefined },
      __citadel: { out_of_instructions: () => undefined },
    });
    const g = instance.exports.g as () => number;
    expect(g()).toBe(5);
  });

  it('rejects a function body it cannot decode as an invalid module (IC0505)', async () => {
    const valid = wat('(module (func (export "canister_update f") nop))');
    // Replace `nop` (0x01) with an opcode that does not exist.
    const garbage = valid.slice();
    const at = garbage.lastIndexOf(0x01, garbage.length - 2);
    garbage[at] = 0xff;
    await expect(prepareModule(garbage)).rejects.toMatchObject({
      code: 'REPLICA_EXEC_INVALID_WASM',
      details: { icErrorCode: 'IC0505' },
    });
  });
});
