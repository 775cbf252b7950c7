/**
 * The few pieces of Candid's binary format (Candid spec, "Binary format") that the canister
 * writes and reads itself: LEB128, little-endian `nat64`, and the order of record fields and
 * variant tags. The canisters keep records in stable memory as their Candid values, so a reply
 * is the stored bytes joined under a fixed type table, with no text decoded or encoded again.
 */

import { IDL } from '@dfinity/candid';

/** Candid's id of a field or tag label: `idl_hash` (Candid spec, "Records"). */
export function labelId(label: string): number {
  let hash = 0;
  for (const byte of new TextEncoder().encode(label)) {
    // ToUint32 is arithmetic modulo 2^32, and `hash * 223 + byte` stays below 2^53.
    hash = (hash * 223 + byte) >>> 0;
  }
  return hash;
}

/** `labels` in the order Candid writes record fields and numbers variant tags: by id. */
export function inLabelOrder<T extends string>(labels: readonly T[]): readonly T[] {
  return [...labels].sort((a, b) => labelId(a) - labelId(b));
}

/** Bytes of a Candid value, written front to back into parts joined once at the end. */
export class CandidWriter {
  readonly #parts: Uint8Array[] = [];
  #pending: number[] = [];
  #length = 0;

  /** One byte. */
  byte(value: number): this {
    this.#pending.push(value & 0xff);
    this.#length++;
    return this;
  }

  /** An unsigned LEB128 number: lengths, counts, variant indexes. */
  leb(value: number | bigint): this {
    let rest = BigInt(value);
    do {
      const low = Number(rest & 0x7fn);
      rest >>= 7n;
      this.byte(rest === 0n ? low : low | 0x80);
    } while (rest !== 0n);
    return this;
  }

  /** A `nat64`: eight bytes, little-endian. */
  nat64(value: bigint): this {
    for (let shift = 0n; shift < 64n; shift += 8n) {
      this.byte(Number((value >> shift) & 0xffn));
    }
    return this;
  }

  /** Bytes as they are (no length). */
  raw(bytes: Uint8Array): this {
    if (this.#pending.length > 0) {
      this.#parts.push(Uint8Array.from(this.#pending));
      this.#pending = [];
    }
    this.#parts.push(bytes);
    this.#length += bytes.length;
    return this;
  }

  /** A `text` or `blob`: its length, then its bytes. */
  sized(bytes: Uint8Array): this {
    return this.leb(bytes.length).raw(bytes);
  }

  /** Everything written, in one array. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const part of this.#parts) {
      out.set(part, at);
      at += part.length;
    }
    out.set(this.#pending, at);
    return out;
  }
}

/** Thrown when bytes do not hold the value a {@link CandidReader} expects. */
export class CandidFormatError extends Error {
  override readonly name = 'CandidFormatError';
}

/** Reads a Candid value front to back. */
export class CandidReader {
  #at: number;

  constructor(
    private readonly bytes: Uint8Array,
    offset = 0,
  ) {
    this.#at = offset;
  }

  /** Whether every byte has been read. */
  get done(): boolean {
    return this.#at === this.bytes.length;
  }

  byte(): number {
    const value = this.bytes[this.#at];
    if (value === undefined) {
      throw new CandidFormatError(`unexpected end of data at byte ${this.#at}`);
    }
    this.#at++;
    return value;
  }

  /** An unsigned LEB128 number that fits a JavaScript number. */
  leb(): number {
    let value = 0;
    for (let scale = 1; ; scale *= 128) {
      const byte = this.byte();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        break;
      }
      if (scale > 2 ** 42) {
        throw new CandidFormatError('a LEB128 number does not fit 53 bits');
      }
    }
    return value;
  }

  nat64(): bigint {
    let value = 0n;
    for (let shift = 0n; shift < 64n; shift += 8n) {
      value |= BigInt(this.byte()) << shift;
    }
    return value;
  }

  /** The next `length` bytes, as a view of the input (not a copy). */
  raw(length: number): Uint8Array {
    if (this.#at + length > this.bytes.length) {
      throw new CandidFormatError(`${length} bytes wanted at byte ${this.#at}, past the end`);
    }
    const slice = this.bytes.subarray(this.#at, this.#at + length);
    this.#at += length;
    return slice;
  }

  /** A `text` or `blob`'s bytes. */
  sized(): Uint8Array {
    return this.raw(this.leb());
  }
}

/**
 * An encoder of whole Candid messages of one `type` from values `write` puts in the wire
 * format: the message header and type table `IDL.encode` writes (its encoding of `sample` less
 * the value bytes `write` gives for `value`, the same value in our form, checked to be what it
 * ends with) are computed once, and each reply is that table followed by the value's bytes.
 */
export function replyEncoder<V>(
  type: IDL.Type,
  sample: unknown,
  value: V,
  write: (out: CandidWriter, value: V) => void,
): (value: V) => Uint8Array {
  const full = new Uint8Array(IDL.encode([type], [sample]));
  const ours = new CandidWriter();
  write(ours, value);
  const tail = ours.finish();
  const prefix = full.length - tail.length;
  if (prefix < 0 || tail.some((byte, index) => full[prefix + index] !== byte)) {
    throw new Error(`the reply encoder disagrees with @dfinity/candid on ${type.display()}`);
  }
  const table = full.slice(0, prefix);
  return (reply) => {
    const out = new CandidWriter().raw(table);
    write(out, reply);
    return out.finish();
  };
}
