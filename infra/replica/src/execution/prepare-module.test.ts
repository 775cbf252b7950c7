import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import wabtInit from 'wabt';
import { describe, expect, it } from 'vitest';
import { concatBytes, encodeName, encodeU32 } from './byte-reader.js';
import { prepareModule } from './prepare-module.js';
import { wasmApi } from './wasm-js-api.js';

const wabt = await wabtInit();

function wat(source: string, features: { memory64?: boolean } = {}): Uint8Array {
  return wabt.parseWat('fixture.wat', source, features).toBinary({}).buffer;
}

/** Appends a custom section (id 0) to a binary. */
function withCustomSection(wasm: Uint8Array, name: string, content: Uint8Array): Uint8Array {
  const payload = concatBytes([encodeName(name), content]);
  return concatBytes([wasm, Uint8Array.of(0), encodeU32(payload.length), payload]);
}

/** Export names and kinds of a compiled module, via the JS API. */
function exportsOf(module: unknown): string[] {
  const api = (
    globalThis as unknown as {
      WebAssembly: { Module: { exports(m: unknown): { name: string; kind: string }[] } };
    }
  ).WebAssembly;
  return api.Module.exports(module).map((e) => `${e.kind}:${e.name}`);
}

const MINIMAL = wat(`
  (module
    (import "ic0" "msg_reply" (func $reply))
    (memory 1)
    (table 2 funcref)
    (global $sp (mut i32) (i32.const 1024))
    (global $k i32 (i32.const 7))
    (global $wide (mut i64) (i64.const 0))
    (func (export "canister_init"))
    (func (export "canister_heartbeat"))
    (func (export "canister_update set") (call $reply))
    (func (export "canister_query get") (call $reply))
    (func (export "canister_composite_query both") (call $reply))
    (func (export "canister_update <ic-cdk internal> timer_executor"))
    (func (export "helper") (param i32)))
`);

async function rejection(
  bytes: Uint8Array,
): Promise<{ code: string; message: string; details: Readonly<Record<string, unknown>> }> {
  try {
    await prepareModule(bytes);
  } catch (error) {
    return error as { code: string; message: string; details: Readonly<Record<string, unknown>> };
  }
  throw new Error('expected prepareModule to reject');
}

describe('prepareModule', () => {
  it('reads methods and entry points from the exports', async () => {
    const prepared = await prepareModule(MINIMAL);
    expect([...prepared.methods.update]).toEqual(['set', '<ic-cdk internal> timer_executor']);
    expect([...prepared.methods.query]).toEqual(['get']);
    expect([...prepared.methods.compositeQuery]).toEqual(['both']);
    expect(prepared.exports).toEqual({
      init: true,
      preUpgrade: false,
      postUpgrade: false,
      inspectMessage: false,
      heartbeat: true,
      globalTimer: false,
      onLowWasmMemory: false,
    });
  });

  it('exports table 0, the memory and every mutable global under the IC instrumentation names', async () => {
    const prepared = await prepareModule(MINIMAL);
    const names = exportsOf(prepared.module);
    expect(names).toContain('table:table');
    expect(names).toContain('memory:memory');
    expect(names).toContain('global:__persistent_mutable_global_0');
    expect(names).toContain('global:__persistent_mutable_global_2');
    expect(names).not.toContain('global:__persistent_mutable_global_1');
    expect(prepared.layout.globals.map((g) => [g.index, g.type])).toEqual([
      [0, 'i32'],
      [2, 'i64'],
    ]);
  });

  it('adds an export section to a module that has none', async () => {
    const prepared = await prepareModule(
      wat('(module (memory 1) (global (mut i32) (i32.const 0)))'),
    );
    expect(exportsOf(prepared.module)).toEqual([
      'memory:memory',
      'global:__citadel_instructions',
      'global:__persistent_mutable_global_0',
    ]);
  });

  it('exports the instruction counter without persisting it with the mutable globals', async () => {
    const prepared = await prepareModule(MINIMAL);
    expect(prepared.layout.counterExport).toBe('__citadel_instructions');
    expect(exportsOf(prepared.module)).toContain('global:__citadel_instructions');
    expect(prepared.layout.globals.map((g) => g.exportName)).not.toContain(
      '__citadel_instructions',
    );
  });

  it('accepts a gzip-compressed module and hashes the bytes as submitted', async () => {
    const gzipped = new Uint8Array(gzipSync(MINIMAL));
    const prepared = await prepareModule(gzipped);
    expect([...prepared.methods.query]).toEqual(['get']);
    expect(prepared.moduleHash).toEqual(
      new Uint8Array(createHash('sha256').update(gzipped).digest()),
    );
  });

  it('collects icp:public and icp:private custom sections', async () => {
    const candid = new TextEncoder().encode('service : {}');
    const withSections = withCustomSection(
      withCustomSection(MINIMAL, 'icp:public candid:service', candid),
      'icp:private notes',
      Uint8Array.of(1),
    );
    const prepared = await prepareModule(withSections);
    expect(prepared.customSections).toEqual(
      new Map([
        ['icp:public candid:service', candid],
        ['icp:private notes', Uint8Array.of(1)],
      ]),
    );
  });

  it('rejects garbage bytes with IC0505', async () => {
    const error = await rejection(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9));
    expect(error.code).toBe('REPLICA_EXEC_INVALID_WASM');
    expect(error.details.icErrorCode).toBe('IC0505');
    expect(error.message).toMatch(
      /^Canister's Wasm module is not valid: Failed to decode wasm module/,
    );
  });

  it('rejects a truncated module', async () => {
    const error = await rejection(MINIMAL.subarray(0, MINIMAL.length - 5));
    expect(error.code).toBe('REPLICA_EXEC_INVALID_WASM');
  });

  it('rejects an unknown ic0 import', async () => {
    const error = await rejection(wat('(module (import "ic0" "launch_rockets" (func)))'));
    expect(error.message).toBe(
      `Canister's Wasm module is not valid: Wasm module has an invalid import section. Module imports function "launch_rockets" from "ic0" that is not exported by the runtime.`,
    );
  });

  it('rejects imports from modules other than ic0', async () => {
    const error = await rejection(wat('(module (import "env" "msg_reply" (func)))'));
    expect(error.message).toContain('from "env" that is not exported by the runtime');
  });

  it('rejects an ic0 import with the wrong signature', async () => {
    const error = await rejection(wat('(module (import "ic0" "time" (func (result i32))))'));
    expect(error.message).toContain(
      'with signature () -> (i32), but the runtime provides () -> (i64)',
    );
  });

  it('rejects an exported canister_ function that is not an entry point', async () => {
    const error = await rejection(wat('(module (func (export "canister_foo")))'));
    expect(error.message).toContain('Exporting reserved function "canister_foo"');
  });

  it('rejects an entry point that is not () -> ()', async () => {
    const error = await rejection(wat('(module (func (export "canister_update x") (param i32)))'));
    expect(error.message).toContain('must have type () -> ()');
  });

  it('rejects the same method name exported as update and query', async () => {
    const error = await rejection(
      wat('(module (func (export "canister_update m")) (func (export "canister_query m")))'),
    );
    expect(error.message).toContain('Duplicate function "m"');
  });

  it('rejects wasm64 modules with a clear message', async () => {
    const error = await rejection(wat('(module (memory i64 1))', { memory64: true }));
    expect(error.message).toContain('Wasm64 (64-bit memory) modules are not supported');
  });

  it('rejects icp: custom sections without a public/private scope', async () => {
    const error = await rejection(withCustomSection(MINIMAL, 'icp:candid', Uint8Array.of(1)));
    expect(error.message).toContain("Custom section 'icp:candid' has no public/private scope");
  });

  it('rejects the same custom section name as both public and private', async () => {
    const error = await rejection(
      withCustomSection(
        withCustomSection(MINIMAL, 'icp:public x', Uint8Array.of(1)),
        'icp:private x',
        Uint8Array.of(2),
      ),
    );
    expect(error.message).toContain('Custom section named x defined more than once');
  });

  it('rejects a module that does not compile', async () => {
    // Well-formed sections, but the function body is not valid Wasm.
    const broken = Uint8Array.from([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03,
      0x02, 0x01, 0x00, 0x0a, 0x05, 0x01, 0x03, 0x00, 0x6a, 0x0b,
    ]);
    const error = await rejection(broken);
    expect(error.message).toMatch(
      /^Canister's Wasm module is not valid: Wasm module failed to compile/,
    );
  });

  it('rejects invalid gzip data', async () => {
    const error = await rejection(Uint8Array.of(0x1f, 0x8b, 0x08, 0, 1, 2, 3));
    expect(error.message).toContain('gzip decoding error');
  });

  it('rejects a gzip module that inflates past 100 MiB', async () => {
    const bomb = new Uint8Array(gzipSync(new Uint8Array(100 * 1024 * 1024 + 1)));
    const error = await rejection(bomb);
    expect(error.message).toContain('exceeds the maximum allowed 104857600 bytes');
  });

  it('compiles to a module the JS API accepts', async () => {
    const prepared = await prepareModule(MINIMAL);
    expect(
      () =>
        new wasmApi.Instance(prepared.module, {
          ic0: { msg_reply: () => undefined },
          __citadel: { out_of_instructions: () => undefined },
        }),
    ).not.toThrow();
  });
});
