/**
 * A typed view of the parts of the WebAssembly JS API the engine uses. The workspace compiles
 * with `lib: ["ES2023"]` and `@types/node` 20, neither of which declares the `WebAssembly`
 * namespace, so we describe it locally instead of adding a global declaration.
 */

/** A compiled module (`WebAssembly.Module`), opaque to callers. */
export interface WasmModule {
  readonly [Symbol.toStringTag]: string;
}

/** `WebAssembly.Memory`. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}

/** `WebAssembly.Table` of funcrefs. */
export interface WasmTable {
  readonly length: number;
  get(index: number): unknown;
}

/** `WebAssembly.Global`. */
export interface WasmGlobal {
  value: number | bigint;
}

/** `WebAssembly.Instance`. */
export interface WasmInstance {
  readonly exports: Readonly<Record<string, unknown>>;
}

/** Host functions by module name, as passed to instantiation. */
export type WasmImports = Record<string, Record<string, (...args: never[]) => unknown>>;

interface WasmNamespace {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  Instance: new (module: WasmModule, imports: WasmImports) => WasmInstance;
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Table: new (descriptor: { initial: number; element: 'anyfunc' }) => WasmTable;
  Global: new (descriptor: { value: 'i32'; mutable: boolean }, value: number) => WasmGlobal;
  RuntimeError: new (message?: string) => Error;
  CompileError: new (message?: string) => Error;
  LinkError: new (message?: string) => Error;
}

/** The runtime's `WebAssembly` namespace with the types above. */
export const wasmApi = (globalThis as unknown as { WebAssembly: WasmNamespace }).WebAssembly;

/** Bytes in one Wasm page (core spec §2.5.7); stable memory uses the same page size. */
export const WASM_PAGE_BYTES = 65_536;
