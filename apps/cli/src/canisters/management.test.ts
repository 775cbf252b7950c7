import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type CanisterStatus, isInstalledModule } from './management.js';

const sha256 = (bytes: Uint8Array): Uint8Array =>
  new Uint8Array(createHash('sha256').update(bytes).digest());

/** A Wasm module's header and some body. */
const WASM = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00,
  ...Array(500).fill(7),
]);
const WASM_GZ = new Uint8Array(gzipSync(WASM));

function statusWith(moduleHash: Uint8Array | undefined): CanisterStatus {
  return {
    status: { running: null },
    module_hash: moduleHash === undefined ? [] : [moduleHash],
    settings: { controllers: [] },
    cycles: 0n,
  };
}

describe('isInstalledModule', () => {
  it('is true when the canister reports the hash of the gzipped module as installed', () => {
    expect(isInstalledModule(statusWith(sha256(WASM_GZ)), WASM_GZ)).toBe(true);
  });

  it('is true when the canister reports the hash of the uncompressed module', () => {
    expect(isInstalledModule(statusWith(sha256(WASM)), WASM_GZ)).toBe(true);
  });

  it('is true for an uncompressed module with its own hash', () => {
    expect(isInstalledModule(statusWith(sha256(WASM)), WASM)).toBe(true);
  });

  it('is false when the canister runs another module', () => {
    const other = new Uint8Array(gzipSync(new Uint8Array([...WASM, 1])));
    expect(isInstalledModule(statusWith(sha256(other)), WASM_GZ)).toBe(false);
    expect(isInstalledModule(statusWith(sha256(WASM_GZ)), WASM)).toBe(false);
  });

  it('is false when the canister has no module', () => {
    expect(isInstalledModule(statusWith(undefined), WASM_GZ)).toBe(false);
    expect(isInstalledModule(statusWith(undefined), new Uint8Array(0))).toBe(false);
  });
});
