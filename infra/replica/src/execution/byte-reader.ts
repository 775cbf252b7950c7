// From the light subpath: canister threads load this module and must not pull in BLS.
import { concatBytes } from '@citadel/protocol/bytes';

/**
 * A cursor over a Wasm binary with the LEB128 readers the section walker needs
 * (WebAssembly core spec §5.2.2 "Integers"). Every read that would run past the end
 * throws a {@link MalformedWasm}, which the module preparation turns into IC0505.
 */
export class ByteReader {
  offset: number;

  constructor(
    readonly bytes: Uint8Array,
    offset = 0,
    /** Exclusive end of the readable window (a section's end, for example). */
    readonly end = bytes.length,
  ) {
    this.offset = offset;
  }

  /** True when the cursor reached the end of its window. */
  get done(): boolean {
    return this.offset >= this.end;
  }

  /** Reads one byte. */
  byte(): number {
    if (this.offset >= this.end) {
      throw new MalformedWasm('unexpected end of section or function');
    }
    return this.bytes[this.offset++] as number;
  }

  /** Returns `length` bytes (a view, not a copy) and advances past them. */
  take(length: number): Uint8Array {
    if (length < 0 || this.offset + length > this.end) {
      throw new MalformedWasm('unexpected end of section or function');
    }
    const view = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return view;
  }

  /** Reads an unsigned LEB128 integer of at most 32 bits. */
  u32(): number {
    return Number(this.unsigned(32));
  }

  /** Reads an unsigned LEB128 integer of at most 64 bits. */
  u64(): bigint {
    return this.unsigned(64);
  }

  /** Reads a signed LEB128 integer of at most `bits` bits (32 or 64) and discards it. */
  skipSigned(bits: 32 | 64): void {
    const maxBytes = Math.ceil(bits / 7);
    for (let i = 0; i < maxBytes; i++) {
      if ((this.byte() & 0x80) === 0) {
        return;
      }
    }
    throw new MalformedWasm('integer representation too long');
  }

  /** Reads a length-prefixed UTF-8 name (core spec §5.2.4). */
  name(): string {
    const raw = this.take(this.u32());
    try {
      return UTF8_STRICT.decode(raw);
    } catch (error) {
      throw new MalformedWasm('malformed UTF-8 encoding', { cause: error });
    }
  }

  private unsigned(bits: 32 | 64): bigint {
    let result = 0n;
    let shift = 0n;
    const maxBytes = Math.ceil(bits / 7);
    for (let i = 0; i < maxBytes; i++) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) {
        if (result >= 1n << BigInt(bits)) {
          throw new MalformedWasm('integer too large');
        }
        return result;
      }
      shift += 7n;
    }
    throw new MalformedWasm('integer representation too long');
  }
}

/** Encodes an unsigned integer as LEB128. */
export function encodeU32(value: number): Uint8Array {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) {
      b |= 0x80;
    }
    out.push(b);
  } while (v !== 0);
  return Uint8Array.from(out);
}

/** Encodes a Wasm `name`: LEB128 byte length followed by UTF-8 bytes. */
export function encodeName(name: string): Uint8Array {
  const utf8 = new TextEncoder().encode(name);
  return concatBytes([encodeU32(utf8.length), utf8]);
}

export { concatBytes };

/** Thrown while parsing a binary that is not well-formed; carries the reason only. */
export class MalformedWasm extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'MalformedWasm';
  }
}

const UTF8_STRICT = new TextDecoder('utf-8', { fatal: true });
