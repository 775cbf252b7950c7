import { ByteReader, concatBytes, encodeName, encodeU32 } from './byte-reader.js';
import { SectionId, type ValType, type WasmModuleInfo } from './wasm-binary.js';

/**
 * Makes a module's runtime state reachable from JS by appending exports, as the IC's
 * instrumentation does (IC-INSTR `export_mutable_globals`, table export; ic-protocol.md §7.5,
 * pitfall 13): table 0 as `table`, the memory as `memory`, and every mutable global `i` as
 * `__persistent_mutable_global_<i>`, and the `(start)` function as `__citadel_start` (see below).
 * Items that are already exported keep their existing name.
 */

/** A mutable global and the export name it can be read and written through. */
export interface PersistedGlobal {
  readonly index: number;
  readonly type: ValType;
  readonly exportName: string;
}

/** The rewritten binary and where to find memory, table and mutable globals on an instance. */
export interface RewrittenModule {
  readonly bytes: Uint8Array;
  readonly memoryExport: string | undefined;
  readonly tableExport: string | undefined;
  readonly globals: readonly PersistedGlobal[];
  /** The former `(start)` function, exported so the instance can run it after instantiation. */
  readonly startExport: string | undefined;
  /** The instruction counter global (see `instrument-module.ts`), when one was given. */
  readonly counterExport: string | undefined;
}

const HEADER_BYTES = 8;
const START_EXPORT = '__citadel_start';
const KIND_BYTE = { func: 0, table: 1, memory: 2, global: 3, tag: 4 } as const;
/** Sections that must come after the export section (core spec §5.5.2 ordering). */
const AFTER_EXPORT: ReadonlySet<number> = new Set([
  SectionId.start,
  SectionId.element,
  SectionId.dataCount,
  SectionId.code,
  SectionId.data,
]);

/**
 * Appends the exports the engine needs; returns the input bytes unchanged if none are missing.
 * `counterGlobal` is exported as `__citadel_instructions` and left out of the persisted globals:
 * the host resets it before every execution.
 */
export function rewriteExports(
  bytes: Uint8Array,
  info: WasmModuleInfo,
  counterGlobal?: number,
): RewrittenModule {
  const taken = new Set(info.exports.map((e) => e.name));
  const added: Uint8Array[] = [];

  const exportOf = (
    kind: 'func' | 'memory' | 'table' | 'global',
    index: number,
    preferred: string,
  ) => {
    const existing = info.exports.find((e) => e.kind === kind && e.index === index);
    if (existing !== undefined) {
      return existing.name;
    }
    let name = preferred;
    for (let n = 1; taken.has(name); n++) {
      name = `__citadel_${preferred}_${n}`;
    }
    taken.add(name);
    added.push(concatBytes([encodeName(name), Uint8Array.of(KIND_BYTE[kind]), encodeU32(index)]));
    return name;
  };

  const memoryExport = info.memories.length > 0 ? exportOf('memory', 0, 'memory') : undefined;
  const tableExport = info.tableCount > 0 ? exportOf('table', 0, 'table') : undefined;
  const globals: PersistedGlobal[] = [];
  const counterExport =
    counterGlobal === undefined
      ? undefined
      : exportOf('global', counterGlobal, '__citadel_instructions');
  info.globals.forEach((global, index) => {
    if (global.mutable && index !== counterGlobal) {
      const exportName = exportOf('global', index, `__persistent_mutable_global_${index}`);
      globals.push({ index, type: global.type, exportName });
    }
  });

  // The `(start)` function runs inside `new WebAssembly.Instance`, before any export (memory
  // included) is reachable, so its System API calls could not see the heap. Like the IC's
  // instrumentation, drop the start section and export the function; the instance calls it
  // right after instantiation, which is the same point in the module's life.
  const startSection = info.sections.find((s) => s.id === SectionId.start);
  let startExport = info.exports.find((e) => e.kind === 'func' && e.name === START_EXPORT)?.name;
  if (startSection !== undefined) {
    const index = new ByteReader(bytes, startSection.contentStart, startSection.end).u32();
    startExport = exportOf('func', index, START_EXPORT);
  }

  if (added.length === 0 && startSection === undefined) {
    return { bytes, memoryExport, tableExport, globals, startExport, counterExport };
  }

  const exportSection = info.sections.find((s) => s.id === SectionId.export);
  let existingCount = 0;
  let existingEntries: Uint8Array = new Uint8Array(0);
  if (exportSection !== undefined) {
    const r = new ByteReader(bytes, exportSection.contentStart, exportSection.end);
    existingCount = r.u32();
    existingEntries = bytes.subarray(r.offset, exportSection.end);
  }
  const content = concatBytes([encodeU32(existingCount + added.length), existingEntries, ...added]);
  const newExportSection = concatBytes([
    Uint8Array.of(SectionId.export),
    encodeU32(content.length),
    content,
  ]);

  const parts: Uint8Array[] = [bytes.subarray(0, HEADER_BYTES)];
  let exportWritten = false;
  for (const section of info.sections) {
    if (section.id === SectionId.export) {
      parts.push(newExportSection);
      exportWritten = true;
      continue;
    }
    if (!exportWritten && AFTER_EXPORT.has(section.id)) {
      parts.push(newExportSection);
      exportWritten = true;
    }
    if (section.id !== SectionId.start) {
      parts.push(bytes.subarray(section.start, section.end));
    }
  }
  if (!exportWritten) {
    parts.push(newExportSection);
  }
  return {
    bytes: concatBytes(parts),
    memoryExport,
    tableExport,
    globals,
    startExport,
    counterExport,
  };
}
