import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { MalformedWasm } from './byte-reader.js';
import { createInvalidWasmError } from './errors.js';
import { instrumentModule } from './instrument-module.js';
import { rewriteExports } from './rewrite-exports.js';
import type { PreparedModule } from './types.js';
import { InvalidModule, validateModule } from './validate-module.js';
import { parseWasmModule } from './wasm-binary.js';
import { wasmApi, type WasmModule } from './wasm-js-api.js';

/** Largest accepted (decompressed) module: 100 MiB (ic-protocol.md §7.1, LIMITS). */
export const MAX_WASM_BYTES = 100 * 1024 * 1024;

const GZIP_MAGIC = [0x1f, 0x8b, 0x08] as const;

/**
 * Turns the bytes of an `install_code` into a runnable module: gunzip (if the bytes start with
 * `1f 8b 08`), check the IC's module rules (§7.1), add the instruction counter
 * (`instrument-module.ts`), export table, memory and mutable globals (pitfall 13) and compile.
 *
 * @throws CitadelError `input` / `REPLICA_EXEC_INVALID_WASM` with `details.icErrorCode = 'IC0505'`
 *   and the message "Canister's Wasm module is not valid: <reason>".
 * @example
 * const prepared = await prepareModule(wasmOrGzip);
 * const instance = await createCanisterInstance(prepared);
 */
export async function prepareModule(wasmOrGzip: Uint8Array): Promise<PreparedModule> {
  const moduleHash = new Uint8Array(createHash('sha256').update(wasmOrGzip).digest());
  const wasm = decompress(wasmOrGzip);

  const { canisterInterface, rewritten } = analyze(wasm);

  let module: WasmModule;
  try {
    module = await wasmApi.compile(rewritten.bytes);
  } catch (error) {
    if (error instanceof wasmApi.CompileError) {
      throw createInvalidWasmError(`Wasm module failed to compile: ${error.message}`, error);
    }
    throw error;
  }

  return {
    module,
    moduleHash,
    methods: canisterInterface.methods,
    exports: canisterInterface.entryPoints,
    customSections: canisterInterface.customSections,
    wasmBytes: rewritten.bytes,
    layout: {
      memoryExport: rewritten.memoryExport,
      tableExport: rewritten.tableExport,
      globals: rewritten.globals,
      startExport: rewritten.startExport,
      counterExport: rewritten.counterExport,
    },
  };
}

function analyze(wasm: Uint8Array) {
  try {
    const info = parseWasmModule(wasm);
    const canisterInterface = validateModule(info);
    const metered = instrumentModule(wasm, info);
    const rewritten = rewriteExports(
      metered.bytes,
      parseWasmModule(metered.bytes),
      metered.counterGlobal,
    );
    return { canisterInterface, rewritten };
  } catch (error) {
    if (error instanceof MalformedWasm) {
      throw createInvalidWasmError(`Failed to decode wasm module: ${error.message}`, error);
    }
    if (error instanceof InvalidModule) {
      throw createInvalidWasmError(error.message, error);
    }
    throw error;
  }
}

function decompress(bytes: Uint8Array): Uint8Array {
  if (!GZIP_MAGIC.every((b, i) => bytes[i] === b)) {
    if (bytes.length > MAX_WASM_BYTES) {
      throw createInvalidWasmError(
        `Wasm module size ${bytes.length} exceeds the maximum allowed ${MAX_WASM_BYTES} bytes.`,
      );
    }
    return bytes;
  }
  try {
    const out = gunzipSync(bytes, { maxOutputLength: MAX_WASM_BYTES });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (error) {
    const tooLarge = (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE';
    throw createInvalidWasmError(
      tooLarge
        ? `decompressed Wasm module exceeds the maximum allowed ${MAX_WASM_BYTES} bytes.`
        : `Failed to decode wasm module: gzip decoding error: ${error instanceof Error ? error.message : String(error)}`,
      error,
    );
  }
}
