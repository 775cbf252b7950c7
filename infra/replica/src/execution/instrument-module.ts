import { MalformedWasm, concatBytes, encodeName, encodeU32 } from './byte-reader.js';
import { SectionId, type WasmModuleInfo, type WasmSection } from './wasm-binary.js';

/**
 * Deterministic instruction metering, done the way the IC does it (ic-protocol.md §7.5,
 * IC-INSTR "instruction counter"): the module gets one extra mutable i64 global holding the
 * instructions still allowed, and every function body is rewritten so that
 *
 * - each straight-line segment of code first subtracts its own instruction count from the
 *   global (one instruction costs one, whatever it is), and
 * - function entries and loop headers, the only places where execution can go on for ever,
 *   then call the host's `__citadel.out_of_instructions` once the global is below zero. The
 *   host either traps (the message's limit is used up) or, at a slice boundary of a long
 *   message, pauses the execution and refills the global (deterministic time slicing).
 *
 * `memory.copy`, `memory.fill` and `memory.init` also subtract the number of bytes they touch,
 * since their cost grows with an operand rather than with the code. The host sets the global
 * to the message's limit before running it, subtracts the cost of System API calls from it,
 * and reads it back afterwards: a trap with the global below zero is the IC's IC0522.
 *
 * Only function bodies change; no function, type or import is added, so every index in the
 * module stays valid.
 */

/** Wasm opcodes after which a new straight-line segment starts. */
const SEGMENT_ENDS: ReadonlySet<number> = new Set([
  0x00, // unreachable
  0x02, // block
  0x03, // loop
  0x04, // if
  0x05, // else
  0x06, // try
  0x07, // catch
  0x08, // throw
  0x09, // rethrow
  0x0a, // throw_ref
  0x0b, // end
  0x0c, // br
  0x0d, // br_if
  0x0e, // br_table
  0x0f, // return
  0x12, // return_call
  0x13, // return_call_indirect
  0x15, // return_call_ref
  0x18, // delegate
  0x19, // catch_all
  0x1f, // try_table
  0xd4, // br_on_null
  0xd6, // br_on_non_null
]);

const OP = {
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  localGet: 0x20,
  localTee: 0x22,
  globalGet: 0x23,
  globalSet: 0x24,
  i64Const: 0x42,
  i64LtS: 0x53,
  i64Sub: 0x7d,
  i64ExtendI32U: 0xad,
  call: 0x10,
  returnCall: 0x12,
  refFunc: 0xd2,
  emptyBlockType: 0x40,
  i32: 0x7f,
  i64: 0x7e,
} as const;

/** 0xFC sub-opcodes whose last operand is a byte count: memory.init, memory.copy, memory.fill. */
const BULK_MEMORY_BY_SIZE: ReadonlySet<number> = new Set([8, 10, 11]);

/** The host function that function entries and loop headers call once the counter is negative. */
export const OUT_OF_INSTRUCTIONS_IMPORT = {
  module: '__citadel',
  name: 'out_of_instructions',
} as const;

/** The instrumented binary and the index of the counter global in it. */
export interface InstrumentedModule {
  readonly bytes: Uint8Array;
  readonly counterGlobal: number;
}

/** Order of the known sections (core spec §5.5.2); the tag section sits before globals. */
const SECTION_RANK: Readonly<Record<number, number>> = {
  [SectionId.type]: 1,
  [SectionId.import]: 2,
  [SectionId.function]: 3,
  [SectionId.table]: 4,
  [SectionId.memory]: 5,
  [SectionId.tag]: 6,
  [SectionId.global]: 7,
  [SectionId.export]: 8,
  [SectionId.start]: 9,
  [SectionId.element]: 10,
  [SectionId.dataCount]: 11,
  [SectionId.code]: 12,
  [SectionId.data]: 13,
};

/** How the rewrite renumbers functions: the hook import takes the index after the imports. */
interface Renumbering {
  readonly hookFunction: number;
  shift(index: number): number;
}

/**
 * Adds the instruction counter and the out-of-instructions hook to `bytes` (already walked into
 * `info`). The hook is a new function import, so every function index from the first defined
 * function on moves up by one: calls, `ref.func`, exports, the start function and element
 * segments are renumbered, and the `name` section (debug names by index) is dropped.
 *
 * @throws MalformedWasm when a function body or segment cannot be decoded.
 */
export function instrumentModule(bytes: Uint8Array, info: WasmModuleInfo): InstrumentedModule {
  const counterGlobal = info.globals.length;
  const hookFunction = info.importedFunctionCount;
  const renumbering: Renumbering = {
    hookFunction,
    shift: (index) => (index >= hookFunction ? index + 1 : index),
  };
  let hookType = info.types.findIndex((t) => t.params.length === 0 && t.results.length === 0);
  const addType = hookType < 0;
  if (addType) {
    hookType = info.types.length;
  }

  const counterEntry = Uint8Array.of(OP.i64, 0x01, OP.i64Const, 0x00, OP.end);
  const hookEntry = concatBytes([
    encodeName(OUT_OF_INSTRUCTIONS_IMPORT.module),
    encodeName(OUT_OF_INSTRUCTIONS_IMPORT.name),
    Uint8Array.of(0x00),
    encodeU32(hookType),
  ]);
  const emptyFuncType = Uint8Array.of(0x60, 0x00, 0x00);

  /** New content of a section, or `undefined` to copy it as it is; `null` drops it. */
  const rewrite = (section: WasmSection): Uint8Array | null | undefined => {
    const content = bytes.subarray(section.contentStart, section.end);
    switch (section.id) {
      case SectionId.type:
        return addType ? appendToVector(content, emptyFuncType) : undefined;
      case SectionId.import:
        return appendToVector(content, hookEntry);
      case SectionId.global:
        return appendToVector(rewriteGlobals(content, renumbering), counterEntry);
      case SectionId.table:
        return rewriteTables(content, renumbering);
      case SectionId.export:
        return rewriteExports(content, renumbering);
      case SectionId.start:
        return encodeU32(renumbering.shift(new FastReader(content, 0, content.length).u32()));
      case SectionId.element:
        return rewriteElements(content, renumbering);
      case SectionId.code: {
        const paramCounts = info.functionTypes
          .slice(info.importedFunctionCount)
          .map((typeIndex) => info.types[typeIndex]?.params.length ?? 0);
        return instrumentCode(bytes, section.contentStart, section.end, paramCounts, {
          counterGlobal,
          hookFunction,
          renumbering,
        });
      }
      case SectionId.custom:
        return new FastReader(content, 0, content.length).name() === 'name' ? null : undefined;
      default:
        return undefined;
    }
  };

  // Sections the module lacks but the rewrite needs, with their content.
  const missing = new Map<number, Uint8Array>();
  const has = (id: number) => info.sections.some((s) => s.id === id);
  if (addType && !has(SectionId.type)) {
    missing.set(SectionId.type, appendToVector(encodeU32(0), emptyFuncType));
  }
  if (!has(SectionId.import)) {
    missing.set(SectionId.import, appendToVector(encodeU32(0), hookEntry));
  }
  if (!has(SectionId.global)) {
    missing.set(SectionId.global, appendToVector(encodeU32(0), counterEntry));
  }

  const out = new Output(bytes.length + (bytes.length >> 2) + 64);
  out.bytes(bytes.subarray(0, 8));
  const writeSection = (id: number, content: Uint8Array) => {
    out.byte(id);
    out.u32(content.length);
    out.bytes(content);
  };
  const writeMissingBefore = (rank: number) => {
    for (const [id, content] of missing) {
      if ((SECTION_RANK[id] ?? 0) < rank) {
        writeSection(id, content);
        missing.delete(id);
      }
    }
  };
  for (const section of info.sections) {
    const rank = SECTION_RANK[section.id];
    if (rank !== undefined) {
      writeMissingBefore(rank);
    }
    const content = rewrite(section);
    if (content === undefined) {
      out.bytes(bytes.subarray(section.start, section.end));
    } else if (content !== null) {
      writeSection(section.id, content);
    }
  }
  writeMissingBefore(Number.POSITIVE_INFINITY);
  return { bytes: out.result(), counterGlobal };
}

/** `vec(T)` content with one more element appended. */
function appendToVector(content: Uint8Array, element: Uint8Array): Uint8Array {
  const reader = new FastReader(content, 0, content.length);
  const count = reader.u32();
  return concatBytes([encodeU32(count + 1), content.subarray(reader.offset), element]);
}

function rewriteGlobals(content: Uint8Array, renumbering: Renumbering): Uint8Array {
  const reader = new FastReader(content, 0, content.length);
  const out = new Output(content.length + 16);
  const count = reader.u32();
  out.u32(count);
  for (let i = 0; i < count; i++) {
    const typeStart = reader.offset;
    reader.skipValType();
    reader.byte(); // mutability
    out.bytes(content.subarray(typeStart, reader.offset));
    copyConstExpr(reader, out, renumbering);
  }
  return out.result();
}

function rewriteTables(content: Uint8Array, renumbering: Renumbering): Uint8Array {
  const reader = new FastReader(content, 0, content.length);
  const out = new Output(content.length + 16);
  const count = reader.u32();
  out.u32(count);
  for (let i = 0; i < count; i++) {
    const start = reader.offset;
    // A table with an initializer (function references proposal) starts with 0x40 0x00.
    const withInit = content[reader.offset] === 0x40;
    if (withInit) {
      reader.skip(2);
    }
    reader.skipValType();
    skipLimits(reader);
    out.bytes(content.subarray(start, reader.offset));
    if (withInit) {
      copyConstExpr(reader, out, renumbering);
    }
  }
  return out.result();
}

function rewriteExports(content: Uint8Array, renumbering: Renumbering): Uint8Array {
  const reader = new FastReader(content, 0, content.length);
  const out = new Output(content.length + 16);
  const count = reader.u32();
  out.u32(count);
  for (let i = 0; i < count; i++) {
    const nameStart = reader.offset;
    reader.skip(reader.u32());
    const kind = reader.byte();
    out.bytes(content.subarray(nameStart, reader.offset));
    const index = reader.u32();
    out.u32(kind === 0x00 ? renumbering.shift(index) : index);
  }
  return out.result();
}

/** Element segments (core spec §5.5.12): the eight encodings, function indices renumbered. */
function rewriteElements(content: Uint8Array, renumbering: Renumbering): Uint8Array {
  const reader = new FastReader(content, 0, content.length);
  const out = new Output(content.length + 64);
  const count = reader.u32();
  out.u32(count);
  for (let i = 0; i < count; i++) {
    const flags = reader.u32();
    out.u32(flags);
    if (flags > 7) {
      throw new MalformedWasm(`malformed element segment flags ${flags}`);
    }
    const passiveOrDeclarative = (flags & 0x01) !== 0;
    const explicitTable = (flags & 0x02) !== 0;
    const usesExpressions = (flags & 0x04) !== 0;
    if (!passiveOrDeclarative) {
      if (explicitTable) {
        out.u32(reader.u32());
      }
      copyConstExpr(reader, out, renumbering); // offset
    }
    if (passiveOrDeclarative || explicitTable) {
      // elemkind (0x00) or reference type
      const typeStart = reader.offset;
      if (usesExpressions) {
        reader.skipValType();
      } else {
        reader.byte();
      }
      out.bytes(content.subarray(typeStart, reader.offset));
    }
    const items = reader.u32();
    out.u32(items);
    for (let j = 0; j < items; j++) {
      if (usesExpressions) {
        copyConstExpr(reader, out, renumbering);
      } else {
        out.u32(renumbering.shift(reader.u32()));
      }
    }
  }
  return out.result();
}

/** Copies a constant expression, renumbering `ref.func`. */
function copyConstExpr(reader: FastReader, out: Output, renumbering: Renumbering): void {
  for (;;) {
    const start = reader.offset;
    const op = reader.byte();
    if (op === 0xd2) {
      out.byte(op);
      out.u32(renumbering.shift(reader.u32()));
      continue;
    }
    if (op === 0x0b) {
      out.byte(op);
      return;
    }
    skipImmediates(reader, op);
    out.bytes(reader.slice(start, reader.offset));
  }
}

function skipLimits(reader: FastReader): void {
  const flags = reader.u32();
  reader.skipLeb();
  if ((flags & 0x01) !== 0) {
    reader.skipLeb();
  }
}

function instrumentCode(
  bytes: Uint8Array,
  start: number,
  end: number,
  paramCounts: readonly number[],
  options: BodyOptions,
): Uint8Array {
  const reader = new FastReader(bytes, start, end);
  const count = reader.u32();
  if (count !== paramCounts.length) {
    throw new MalformedWasm('function and code section have inconsistent lengths');
  }
  const out = new Output(end - start + ((end - start) >> 2) + 16);
  out.u32(count);
  const body = new Output(1024);
  for (let i = 0; i < count; i++) {
    const size = reader.u32();
    const bodyEnd = reader.offset + size;
    if (bodyEnd > end) {
      throw new MalformedWasm('function body extends past the end of the code section');
    }
    body.reset();
    instrumentBody(bytes, reader.offset, bodyEnd, paramCounts[i] ?? 0, options, body);
    out.u32(body.length);
    out.bytes(body.view());
    reader.offset = bodyEnd;
  }
  if (reader.offset !== end) {
    throw new MalformedWasm('code section size mismatch');
  }
  return out.result();
}

interface BodyOptions {
  readonly counterGlobal: number;
  readonly hookFunction: number;
  readonly renumbering: Renumbering;
}

function instrumentBody(
  bytes: Uint8Array,
  start: number,
  end: number,
  paramCount: number,
  options: BodyOptions,
  out: Output,
): void {
  const reader = new FastReader(bytes, start, end);
  const groups = reader.u32();
  let locals = paramCount;
  const localsStart = reader.offset;
  for (let g = 0; g < groups; g++) {
    locals += reader.u32();
    reader.skipValType();
  }
  // One extra i32 local holds the byte count of a bulk memory instruction while it is charged.
  const sizeLocal = locals;
  out.u32(groups + 1);
  out.bytes(bytes.subarray(localsStart, reader.offset));
  out.u32(1);
  out.byte(OP.i32);

  const counter = encodeU32(options.counterGlobal);
  const hook = encodeU32(options.hookFunction);
  const charge = (cost: number) => {
    out.byte(OP.globalGet);
    out.bytes(counter);
    out.byte(OP.i64Const);
    out.s64(cost);
    out.byte(OP.i64Sub);
    out.byte(OP.globalSet);
    out.bytes(counter);
  };
  const check = () => {
    out.byte(OP.globalGet);
    out.bytes(counter);
    out.byte(OP.i64Const);
    out.s64(0);
    out.byte(OP.i64LtS);
    out.byte(OP.if);
    out.byte(OP.emptyBlockType);
    out.byte(OP.call);
    out.bytes(hook);
    out.byte(OP.end);
  };
  const chargeBytes = () => {
    out.byte(OP.localTee);
    out.u32(sizeLocal);
    out.byte(OP.globalGet);
    out.bytes(counter);
    out.byte(OP.localGet);
    out.u32(sizeLocal);
    out.byte(OP.i64ExtendI32U);
    out.byte(OP.i64Sub);
    out.byte(OP.globalSet);
    out.bytes(counter);
  };

  // A segment runs from one boundary to the next; it is charged up front, in full.
  let segmentStart = reader.offset;
  let segmentCost = 0;
  let checkAtStart = true; // function entry
  // Function indices inside the segment that the new import moved: [start, end, new bytes].
  const patches: [number, number, Uint8Array][] = [];
  const flush = (segmentEnd: number) => {
    if (segmentCost > 0) {
      charge(segmentCost);
    }
    if (checkAtStart) {
      check();
    }
    let copied = segmentStart;
    for (const [from, to, replacement] of patches) {
      out.bytes(bytes.subarray(copied, from));
      out.bytes(replacement);
      copied = to;
    }
    patches.length = 0;
    out.bytes(bytes.subarray(copied, segmentEnd));
    segmentStart = segmentEnd;
    segmentCost = 0;
    checkAtStart = false;
  };

  while (reader.offset < end) {
    const instructionStart = reader.offset;
    const opcode = reader.byte();
    segmentCost++;
    if (opcode === 0xfc) {
      const sub = reader.u32();
      skipPrefixedFC(reader, sub);
      if (BULK_MEMORY_BY_SIZE.has(sub)) {
        // Charge the bytes right before the instruction, when its size operand is on the stack.
        flush(instructionStart);
        chargeBytes();
        continue;
      }
    } else if (opcode === OP.call || opcode === OP.returnCall || opcode === OP.refFunc) {
      const indexStart = reader.offset;
      const index = reader.u32();
      if (index >= options.renumbering.hookFunction) {
        patches.push([indexStart, reader.offset, encodeU32(options.renumbering.shift(index))]);
      }
    } else {
      skipImmediates(reader, opcode);
    }
    if (SEGMENT_ENDS.has(opcode)) {
      flush(reader.offset);
      checkAtStart = opcode === OP.loop;
    }
  }
  if (reader.offset !== end) {
    throw new MalformedWasm('function body size mismatch');
  }
  flush(end);
}

/** Skips the immediates of a one-byte opcode (core spec §5.4 and the post-MVP proposals). */
function skipImmediates(r: FastReader, opcode: number): void {
  switch (opcode) {
    case 0x02: // block
    case 0x03: // loop
    case 0x04: // if
    case 0x06: // try
      r.skipBlockType();
      return;
    case 0x07: // catch
    case 0x08: // throw
    case 0x09: // rethrow
    case 0x0c: // br
    case 0x0d: // br_if
    case 0x10: // call
    case 0x12: // return_call
    case 0x14: // call_ref
    case 0x15: // return_call_ref
    case 0x18: // delegate
    case 0x20: // local.get
    case 0x21: // local.set
    case 0x22: // local.tee
    case 0x23: // global.get
    case 0x24: // global.set
    case 0x25: // table.get
    case 0x26: // table.set
    case 0xd2: // ref.func
    case 0xd4: // br_on_null
    case 0xd6: // br_on_non_null
      r.skipLeb();
      return;
    case 0x0e: {
      // br_table: vec(label) default
      const n = r.u32();
      for (let i = 0; i <= n; i++) {
        r.skipLeb();
      }
      return;
    }
    case 0x11: // call_indirect
    case 0x13: // return_call_indirect
      r.skipLeb();
      r.skipLeb();
      return;
    case 0x1c: {
      // select t*
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        r.skipValType();
      }
      return;
    }
    case 0x1f: {
      // try_table: blocktype vec(catch)
      r.skipBlockType();
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        const kind = r.byte();
        if (kind <= 1) {
          r.skipLeb();
        }
        r.skipLeb();
      }
      return;
    }
    case 0x3f: // memory.size
    case 0x40: // memory.grow
      r.skipLeb();
      return;
    case 0x41: // i32.const
    case 0x42: // i64.const
      r.skipLeb();
      return;
    case 0x43: // f32.const
      r.skip(4);
      return;
    case 0x44: // f64.const
      r.skip(8);
      return;
    case 0xd0: // ref.null heaptype
      r.skipLeb();
      return;
    case 0xfd:
      skipPrefixedFD(r, r.u32());
      return;
    case 0xfe:
      skipPrefixedFE(r, r.u32());
      return;
    default:
      if (opcode >= 0x28 && opcode <= 0x3e) {
        r.skipMemArg();
        return;
      }
      if (
        opcode <= 0x01 ||
        opcode === 0x05 ||
        opcode === 0x0a ||
        opcode === 0x0b ||
        opcode === 0x0f ||
        opcode === 0x19 ||
        opcode === 0x1a ||
        opcode === 0x1b ||
        (opcode >= 0x45 && opcode <= 0xc4) ||
        opcode === 0xd1 ||
        opcode === 0xd3 ||
        opcode === 0xd5
      ) {
        return;
      }
      throw new MalformedWasm(`unsupported opcode 0x${opcode.toString(16)} in function body`);
  }
}

/** 0xFC: saturating truncation, bulk memory and table instructions. */
function skipPrefixedFC(r: FastReader, sub: number): void {
  if (sub <= 7) {
    return;
  }
  switch (sub) {
    case 8: // memory.init data mem
    case 10: // memory.copy mem mem
    case 12: // table.init elem table
    case 14: // table.copy table table
      r.skipLeb();
      r.skipLeb();
      return;
    case 9: // data.drop
    case 11: // memory.fill
    case 13: // elem.drop
    case 15: // table.grow
    case 16: // table.size
    case 17: // table.fill
      r.skipLeb();
      return;
    default:
      throw new MalformedWasm(`unsupported opcode 0xfc ${sub} in function body`);
  }
}

/** 0xFD: fixed-width SIMD. */
function skipPrefixedFD(r: FastReader, sub: number): void {
  if (sub <= 11 || sub === 92 || sub === 93) {
    r.skipMemArg(); // loads, stores, load32_zero, load64_zero
  } else if (sub === 12 || sub === 13) {
    r.skip(16); // v128.const, i8x16.shuffle
  } else if (sub >= 21 && sub <= 34) {
    r.skip(1); // extract_lane / replace_lane
  } else if (sub >= 84 && sub <= 91) {
    r.skipMemArg(); // load_lane / store_lane
    r.skip(1);
  } else if (sub > 0x113) {
    throw new MalformedWasm(`unsupported opcode 0xfd ${sub} in function body`);
  }
}

/** 0xFE: threads (atomics); rejected later by the IC's rules, but decodable here. */
function skipPrefixedFE(r: FastReader, sub: number): void {
  if (sub === 0x03) {
    r.skip(1); // atomic.fence
  } else if (sub <= 0x02 || (sub >= 0x10 && sub <= 0x4e)) {
    r.skipMemArg();
  } else {
    throw new MalformedWasm(`unsupported opcode 0xfe ${sub} in function body`);
  }
}

/**
 * A number-only LEB128 cursor: metering decodes every instruction of modules of tens of MB,
 * where the BigInt-based {@link ByteReader} would dominate the install time.
 */
class FastReader {
  offset: number;

  constructor(
    private readonly bytes: Uint8Array,
    offset: number,
    private readonly end: number,
  ) {
    this.offset = offset;
  }

  byte(): number {
    if (this.offset >= this.end) {
      throw new MalformedWasm('unexpected end of section or function');
    }
    return this.bytes[this.offset++] as number;
  }

  u32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (result > 0xffffffff) {
          throw new MalformedWasm('integer too large');
        }
        return result;
      }
      shift += 7;
    }
    throw new MalformedWasm('integer representation too long');
  }

  skipLeb(): void {
    for (let i = 0; i < 10; i++) {
      if ((this.byte() & 0x80) === 0) {
        return;
      }
    }
    throw new MalformedWasm('integer representation too long');
  }

  /** A length-prefixed UTF-8 name. */
  name(): string {
    const length = this.u32();
    this.skip(length);
    return new TextDecoder().decode(this.bytes.subarray(this.offset - length, this.offset));
  }

  slice(from: number, to: number): Uint8Array {
    return this.bytes.subarray(from, to);
  }

  skip(n: number): void {
    if (this.offset + n > this.end) {
      throw new MalformedWasm('unexpected end of section or function');
    }
    this.offset += n;
  }

  skipValType(): void {
    const t = this.byte();
    if (t === 0x63 || t === 0x64) {
      this.skipLeb(); // (ref null? heaptype)
    }
  }

  /** `0x40`, a value type, or a type index as a signed 33-bit LEB128. */
  skipBlockType(): void {
    const first = this.bytes[this.offset];
    if (first === undefined || this.offset >= this.end) {
      throw new MalformedWasm('unexpected end of section or function');
    }
    if (first === 0x40 || (first >= 0x6f && first <= 0x7f)) {
      this.offset++;
      return;
    }
    if (first === 0x63 || first === 0x64) {
      this.offset++;
      this.skipLeb();
      return;
    }
    this.skipLeb();
  }

  /** `align` (bit 6 set: a memory index follows) and `offset`. */
  skipMemArg(): void {
    const align = this.u32();
    if ((align & 0x40) !== 0) {
      this.skipLeb();
    }
    this.skipLeb();
  }
}

/** A growable byte buffer. */
class Output {
  private buffer: Uint8Array;
  length = 0;

  constructor(capacity: number) {
    this.buffer = new Uint8Array(Math.max(capacity, 16));
  }

  reset(): void {
    this.length = 0;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buffer[this.length++] = b;
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  u32(value: number): void {
    let v = value >>> 0;
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) {
        b |= 0x80;
      }
      this.byte(b);
    } while (v !== 0);
  }

  /** Signed LEB128 of a non-negative safe integer (instruction costs). */
  s64(value: number): void {
    let v = value;
    for (;;) {
      const b = v % 128;
      v = Math.floor(v / 128);
      if (v === 0 && (b & 0x40) === 0) {
        this.byte(b);
        return;
      }
      this.byte(b | 0x80);
    }
  }

  view(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  result(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) {
      return;
    }
    const next = new Uint8Array(Math.max(this.buffer.length * 2, this.length + n));
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }
}
