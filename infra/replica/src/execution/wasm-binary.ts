import { ByteReader, MalformedWasm } from './byte-reader.js';

/**
 * A small section walker for Wasm binaries (WebAssembly core spec §5.5 "Modules"). It reads
 * just what the IC's module rules (ic-protocol.md §7.1) and the export rewrite need: types,
 * imports, function signatures, tables, memories, globals, exports and custom sections.
 * Function bodies are never decoded; `WebAssembly.compile` validates them afterwards.
 */

/** Wasm value types as they appear in signatures and globals. */
export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';

/** Kinds of imports and exports (core spec §5.5.10 / §5.5.5). */
export type ExternKind = 'func' | 'table' | 'memory' | 'global' | 'tag';

/** A function signature. */
export interface FuncType {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

/** Byte range of one section: `start` is the id byte, `contentStart` the first payload byte. */
export interface WasmSection {
  readonly id: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

/** One entry of the import section. */
export interface WasmImport {
  readonly module: string;
  readonly name: string;
  readonly kind: ExternKind;
  /** Function imports only: index into {@link WasmModuleInfo.types}. */
  readonly typeIndex?: number;
}

/** One entry of the export section. */
export interface WasmExport {
  readonly name: string;
  readonly kind: ExternKind;
  readonly index: number;
}

/** A global of the global index space (imports first). */
export interface WasmGlobal {
  readonly type: ValType;
  readonly mutable: boolean;
}

/** A memory of the memory index space (imports first). */
export interface WasmMemory {
  readonly memory64: boolean;
  readonly shared: boolean;
}

/** A custom section (id 0). */
export interface WasmCustomSection {
  readonly name: string;
  readonly content: Uint8Array;
}

/** What the walker learned about a module. */
export interface WasmModuleInfo {
  readonly sections: readonly WasmSection[];
  readonly types: readonly FuncType[];
  readonly imports: readonly WasmImport[];
  /** Type index of every function in the function index space (imports first). */
  readonly functionTypes: readonly number[];
  readonly importedFunctionCount: number;
  /** Number of tables in the table index space (imports first). */
  readonly tableCount: number;
  readonly memories: readonly WasmMemory[];
  readonly globals: readonly WasmGlobal[];
  readonly exports: readonly WasmExport[];
  readonly customSections: readonly WasmCustomSection[];
  readonly codeSectionBytes: number;
}

/** Section ids (core spec §5.5.2). */
export const SectionId = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
  tag: 13,
} as const;

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d] as const;
const WASM_VERSION = [0x01, 0x00, 0x00, 0x00] as const;
/** The component-model / layer-1 header uses a different version; report it explicitly. */
const HEADER_BYTES = 8;

const EXTERN_KINDS: readonly ExternKind[] = ['func', 'table', 'memory', 'global', 'tag'];

/** Parses the module structure; throws {@link MalformedWasm} on anything it cannot read. */
export function parseWasmModule(bytes: Uint8Array): WasmModuleInfo {
  if (bytes.length < HEADER_BYTES || WASM_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new MalformedWasm('Wasm module does not start with the magic bytes "\\0asm"');
  }
  if (WASM_VERSION.some((b, i) => bytes[4 + i] !== b)) {
    throw new MalformedWasm('unsupported Wasm binary version (only version 1 is accepted)');
  }

  const sections: WasmSection[] = [];
  const types: FuncType[] = [];
  const imports: WasmImport[] = [];
  const functionTypes: number[] = [];
  const memories: WasmMemory[] = [];
  const globals: WasmGlobal[] = [];
  const exports: WasmExport[] = [];
  const customSections: WasmCustomSection[] = [];
  let importedFunctionCount = 0;
  let tableCount = 0;
  let codeSectionBytes = 0;

  const top = new ByteReader(bytes, HEADER_BYTES);
  while (!top.done) {
    const start = top.offset;
    const id = top.byte();
    const size = top.u32();
    const contentStart = top.offset;
    const end = contentStart + size;
    if (end > bytes.length) {
      throw new MalformedWasm(`section ${id} extends past the end of the module`);
    }
    top.offset = end;
    sections.push({ id, start, contentStart, end });
    const r = new ByteReader(bytes, contentStart, end);

    switch (id) {
      case SectionId.custom: {
        const name = r.name();
        customSections.push({ name, content: bytes.subarray(r.offset, end) });
        r.offset = end;
        break;
      }
      case SectionId.type:
        readVector(r, () => types.push(readFuncType(r)));
        break;
      case SectionId.import:
        readVector(r, () => {
          const module = r.name();
          const name = r.name();
          const kind = readExternKind(r);
          switch (kind) {
            case 'func': {
              const typeIndex = r.u32();
              imports.push({ module, name, kind, typeIndex });
              functionTypes.push(typeIndex);
              importedFunctionCount++;
              return;
            }
            case 'table':
              readTableType(r);
              tableCount++;
              break;
            case 'memory':
              memories.push(readMemoryType(r));
              break;
            case 'global':
              globals.push(readGlobalType(r));
              break;
            case 'tag':
              r.byte();
              r.u32();
              break;
          }
          imports.push({ module, name, kind });
        });
        break;
      case SectionId.function:
        readVector(r, () => functionTypes.push(r.u32()));
        break;
      case SectionId.table:
        readVector(r, () => {
          // Tables with an explicit initializer (function-references proposal) start with 0x40 0x00.
          if (r.bytes[r.offset] === 0x40) {
            r.byte();
            if (r.byte() !== 0x00) {
              throw new MalformedWasm('malformed table definition');
            }
            readTableType(r);
            skipConstExpr(r);
          } else {
            readTableType(r);
          }
          tableCount++;
        });
        break;
      case SectionId.memory:
        readVector(r, () => memories.push(readMemoryType(r)));
        break;
      case SectionId.global:
        readVector(r, () => {
          globals.push(readGlobalType(r));
          skipConstExpr(r);
        });
        break;
      case SectionId.export:
        readVector(r, () => {
          const name = r.name();
          const kind = readExternKind(r);
          exports.push({ name, kind, index: r.u32() });
        });
        break;
      case SectionId.code:
        codeSectionBytes = size;
        r.offset = end;
        break;
      case SectionId.start:
      case SectionId.element:
      case SectionId.data:
      case SectionId.dataCount:
      case SectionId.tag:
        // Not needed for the IC's rules; `WebAssembly.compile` validates them.
        r.offset = end;
        break;
      default:
        throw new MalformedWasm(`unknown section id ${id}`);
    }
    if (r.offset !== end) {
      throw new MalformedWasm(`section ${id} size mismatch`);
    }
  }

  return {
    sections,
    types,
    imports,
    functionTypes,
    importedFunctionCount,
    tableCount,
    memories,
    globals,
    exports,
    customSections,
    codeSectionBytes,
  };
}

function readVector(r: ByteReader, readOne: () => void): void {
  const count = r.u32();
  for (let i = 0; i < count; i++) {
    readOne();
  }
}

function readExternKind(r: ByteReader): ExternKind {
  const kind = EXTERN_KINDS[r.byte()];
  if (kind === undefined) {
    throw new MalformedWasm('malformed import or export kind');
  }
  return kind;
}

function readValType(r: ByteReader): ValType {
  const code = r.byte();
  switch (code) {
    case 0x7f:
      return 'i32';
    case 0x7e:
      return 'i64';
    case 0x7d:
      return 'f32';
    case 0x7c:
      return 'f64';
    case 0x7b:
      return 'v128';
    case 0x70:
      return 'funcref';
    case 0x6f:
      return 'externref';
    default:
      throw new MalformedWasm(`unsupported value type 0x${code.toString(16)}`);
  }
}

function readFuncType(r: ByteReader): FuncType {
  const form = r.byte();
  if (form !== 0x60) {
    throw new MalformedWasm(`unsupported type form 0x${form.toString(16)}`);
  }
  const params: ValType[] = [];
  readVector(r, () => params.push(readValType(r)));
  const results: ValType[] = [];
  readVector(r, () => results.push(readValType(r)));
  return { params, results };
}

/** Reads `limits` and returns its flags (bit 0: has max, bit 1: shared, bit 2: 64-bit). */
function readLimits(r: ByteReader): number {
  const flags = r.u32();
  if (flags > 0x07) {
    throw new MalformedWasm('malformed limits flags');
  }
  const is64 = (flags & 0x04) !== 0;
  if (is64) {
    r.u64();
  } else {
    r.u32();
  }
  if ((flags & 0x01) !== 0) {
    if (is64) {
      r.u64();
    } else {
      r.u32();
    }
  }
  return flags;
}

function readTableType(r: ByteReader): void {
  const refType = readValType(r);
  if (refType !== 'funcref' && refType !== 'externref') {
    throw new MalformedWasm('malformed table element type');
  }
  readLimits(r);
}

function readMemoryType(r: ByteReader): WasmMemory {
  const flags = readLimits(r);
  return { memory64: (flags & 0x04) !== 0, shared: (flags & 0x02) !== 0 };
}

function readGlobalType(r: ByteReader): WasmGlobal {
  const type = readValType(r);
  const mut = r.byte();
  if (mut > 1) {
    throw new MalformedWasm('malformed global mutability');
  }
  return { type, mutable: mut === 1 };
}

/** Skips a constant expression (core spec §3.3.10, plus extended-const and v128.const). */
function skipConstExpr(r: ByteReader): void {
  for (;;) {
    const op = r.byte();
    switch (op) {
      case 0x0b: // end
        return;
      case 0x41: // i32.const
        r.skipSigned(32);
        break;
      case 0x42: // i64.const
        r.skipSigned(64);
        break;
      case 0x43: // f32.const
        r.take(4);
        break;
      case 0x44: // f64.const
        r.take(8);
        break;
      case 0x23: // global.get
      case 0xd2: // ref.func
        r.u32();
        break;
      case 0xd0: // ref.null <heaptype>
        r.byte();
        break;
      case 0x6a: // i32.add / sub / mul (extended-const)
      case 0x6b:
      case 0x6c:
      case 0x7c: // i64.add / sub / mul (extended-const)
      case 0x7d:
      case 0x7e:
        break;
      case 0xfd: // v128.const
        if (r.u32() !== 12) {
          throw new MalformedWasm('unsupported instruction in constant expression');
        }
        r.take(16);
        break;
      default:
        throw new MalformedWasm(
          `unsupported instruction 0x${op.toString(16)} in constant expression`,
        );
    }
  }
}
