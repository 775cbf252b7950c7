import { IdentityErrorCode, identityError } from './errors.js';
import type { AnchorRecord, KeyType, Protection, Purpose, StoredDevice } from './types.js';

/**
 * The stored layout of an anchor (stable memory id 0, see `canister/stable-state.ts`):
 *
 * ```text
 * u8 format = 1, u8 device count, then per device:
 *   u16 pubkey length, pubkey          u8 principal length, principal
 *   u16 alias length, alias (UTF-8)    u8 purpose, u8 key type, u8 protection
 *   u8 flags (1: credential id, 2: origin)
 *   [u16 credential id length, credential id]   [u16 origin length, origin (UTF-8)]
 * ```
 *
 * Lengths are big-endian. Enumerations are indices into the tables below, which only ever
 * grow at the end. A record in a format this version does not know makes reading it throw
 * rather than misread it.
 */

const FORMAT = 1;
const HAS_CREDENTIAL = 1;
const HAS_ORIGIN = 2;

const PURPOSES: readonly Purpose[] = ['authentication', 'recovery'];
const KEY_TYPES: readonly KeyType[] = [
  'unknown',
  'platform',
  'cross_platform',
  'seed_phrase',
  'browser_storage_key',
];
const PROTECTIONS: readonly Protection[] = ['unprotected', 'protected'];

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Bytes written into one growing buffer. */
class Writer {
  #bytes = new Uint8Array(512);
  #length = 0;

  #reserve(count: number): void {
    if (this.#length + count > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(this.#bytes.length * 2, this.#length + count));
      grown.set(this.#bytes.subarray(0, this.#length));
      this.#bytes = grown;
    }
  }

  u8(value: number): void {
    this.#reserve(1);
    this.#bytes[this.#length++] = value;
  }

  u16(value: number): void {
    this.#reserve(2);
    this.#bytes[this.#length++] = value >>> 8;
    this.#bytes[this.#length++] = value & 0xff;
  }

  bytes(value: Uint8Array, width: 'u8' | 'u16'): void {
    const max = width === 'u8' ? 0xff : 0xffff;
    if (value.length > max) {
      throw new RangeError(`${value.length} bytes do not fit a ${width} length`);
    }
    this[width](value.length);
    this.#reserve(value.length);
    this.#bytes.set(value, this.#length);
    this.#length += value.length;
  }

  finish(): Uint8Array {
    return this.#bytes.slice(0, this.#length);
  }
}

/** The stored bytes of an anchor. */
export function encodeAnchorRecord(record: AnchorRecord): Uint8Array {
  const out = new Writer();
  out.u8(FORMAT);
  out.u8(record.devices.length);
  for (const device of record.devices) {
    out.bytes(device.pubkey, 'u16');
    out.bytes(device.principal, 'u8');
    out.bytes(utf8.encode(device.alias), 'u16');
    out.u8(PURPOSES.indexOf(device.purpose));
    out.u8(KEY_TYPES.indexOf(device.keyType));
    out.u8(PROTECTIONS.indexOf(device.protection));
    out.u8(
      (device.credentialId === undefined ? 0 : HAS_CREDENTIAL) |
        (device.origin === undefined ? 0 : HAS_ORIGIN),
    );
    if (device.credentialId !== undefined) {
      out.bytes(device.credentialId, 'u16');
    }
    if (device.origin !== undefined) {
      out.bytes(utf8.encode(device.origin), 'u16');
    }
  }
  return out.finish();
}

/** Reads an anchor's stored bytes; `anchor` only names it in errors. */
export function decodeAnchorRecord(bytes: Uint8Array, anchor: bigint): AnchorRecord {
  let offset = 0;
  const corrupt = (why: string): never => {
    throw identityError(
      IdentityErrorCode.CORRUPT_RECORD,
      `the stored record of anchor ${anchor} is unreadable: ${why}`,
      { anchor },
    );
  };
  const u8 = (): number =>
    offset < bytes.length ? (bytes[offset++] as number) : corrupt('truncated');
  const u16 = (): number => (u8() << 8) | u8();
  const take = (length: number): Uint8Array => {
    if (offset + length > bytes.length) {
      corrupt('truncated');
    }
    offset += length;
    return bytes.slice(offset - length, offset);
  };
  const pick = <T>(table: readonly T[], what: string): T => {
    const index = u8();
    return index < table.length ? (table[index] as T) : corrupt(`unknown ${what} ${index}`);
  };

  const format = u8();
  if (format !== FORMAT) {
    corrupt(`unknown format ${format}`);
  }
  const count = u8();
  const devices: StoredDevice[] = [];
  for (let i = 0; i < count; i++) {
    const pubkey = take(u16());
    const principal = take(u8());
    const alias = utf8Decoder.decode(take(u16()));
    const purpose = pick(PURPOSES, 'purpose');
    const keyType = pick(KEY_TYPES, 'key type');
    const protection = pick(PROTECTIONS, 'protection');
    const flags = u8();
    const credentialId = flags & HAS_CREDENTIAL ? take(u16()) : undefined;
    const origin = flags & HAS_ORIGIN ? utf8Decoder.decode(take(u16())) : undefined;
    devices.push({ pubkey, principal, alias, purpose, keyType, protection, credentialId, origin });
  }
  if (offset !== bytes.length) {
    corrupt(`${bytes.length - offset} bytes follow the last device`);
  }
  return { devices };
}
