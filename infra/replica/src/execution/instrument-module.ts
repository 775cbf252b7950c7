import { MalformedWasm, concatBytes, encodeU32 } from './byte-reader.js';
import { SectionId, type WasmModuleInfo } from './wasm-binary.js';

/**
 * Deterministic instruction metering, done the way the IC does it (ic-protocol.md §7.5,
 * IC-INSTR "instruction counter"): the module gets one extra mutable i64 global holding the
 * instructions still allowed, and every function body is rewritten so that
 *
 * - each straight-line segment of code first subtracts its own instruction count from the
 *   global (one instruction costs one, whatever it is), and
 * - function entries and loop headers, the only places where execution can go on for ever,
 *   then trap with `unreachable` once the global is below zero.
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
  unreachable: 0x00,
  emptyBlockType: 0x40,
  i32: 0x7f,
  i64: 0x7e,
} as const;

/** 0xFC sub-opcodes whose last operand is a byte count: memory.init, memory.copy, memory.fill. */
const BULK_MEMORY_BY_SIZE: ReadonlySet<number> = new Set([8, 10, 11]);

/** The instrumented binary and the index of the counter global in it. */
export interface InstrumentedModule {
  readonly bytes: Uint8Array;
  readonly counterGlobal: number;
}

/**
 * Adds the instruction counter to `bytes` (already walked into `info`).
 *
 * @throws MalformedWasm when a function body cannot be decoded.
 */
export function instrumentModule(bytes: Uint8Array, info: WasmModuleInfo): InstrumentedModule {
  const counterGlobal = info.globals.length;
  const out = new Output(bytes.length + (bytes.length >> 2) + 64);
  out.bytes(bytes.subarray(0, 8));

  const globalSection = info.sections.find((s) => s.id === SectionId.global);
  let globalWritten = false;
  const writeGlobalSection = (existing: { contentStart: number; end: number } | undefined) => {
    // The counter: `(global (mut i64) (i64.const 0))`; the host sets it before every run.
    const entry = Uint8Array.of(OP.i64, 0x01, OP.i64Const, 0x00, OP.end);
    let body: Uint8Array;
    if (existing === undefined) {
      body = concatBytes([encodeU32(1), entry]);
    } else {
      const reader = new FastReader(bytes, existing.contentStart, existing.end);
      const count = reader.u32();
      body = concatBytes([
        encodeU32(count + 1),
        bytes.subarray(reader.offset, existing.end),
        entry,
      ]);
    }
    out.byte(SectionId.global);
    out.bytes(encodeU32(body.length));
    out.bytes(body);
    globalWritten = true;
  };

  for (const section of info.sections) {
    if (!globalWritten && globalSection === undefined && comesAfterGlobals(section.id)) {
      writeGlobalSection(undefined);
    }
    if (section.id === SectionId.global) {
      writeGlobalSection(section);
    } else if (section.id === SectionId.code) {
      const paramCounts = info.functionTypes
        .slice(info.importedFunctionCount)
        .map((typeIndex) => info.types[typeIndex]?.params.length ?? 0);
      const content = instrumentCode(bytes, section.contentStart, section.end, paramCounts, {
        counterGlobal,
      });
      out.byte(SectionId.code);
      out.bytes(encodeU32(content.length));
      out.bytes(content);
    } else {
      out.bytes(bytes.subarray(section.start, section.end));
    }
  }
  if (!globalWritten) {
    writeGlobalSection(undefined);
  }
  return { bytes: out.result(), counterGlobal };
}

/** Sections that must follow the global section (core spec §5.5.2 ordering). */
function comesAfterGlobals(id: number): boolean {
  return (
    id === SectionId.export ||
    id === SectionId.start ||
    id === SectionId.element ||
    id === SectionId.dataCount ||
    id === SectionId.code ||
    id === SectionId.data
  );
}

function instrumentCode(
  bytes: Uint8Array,
  start: number,
  end: number,
  paramCounts: readonly number[],
  options: { counterGlobal: number },
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

function instrumentBody(
  bytes: Uint8Array,
  start: number,
  end: number,
  paramCount: number,
  options: { counterGlobal: number },
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
    out.byte(OP.unreachable);
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
  const flush = (segmentEnd: number) => {
    if (segmentCost > 0) {
      charge(segmentCost);
    }
    if (checkAtStart) {
      check();
    }
    out.bytes(bytes.subarray(segmentStart, segmentEnd));
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
