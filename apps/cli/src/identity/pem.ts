/**
 * PEM armour (RFC 7468): `-----BEGIN <label>-----`, base64 lines, `-----END <label>-----`.
 */
import { KeyFormatError } from './der.js';

/** One PEM block: its label (`PRIVATE KEY`) and the DER bytes it carries. */
export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

const BEGIN = /^-----BEGIN ([A-Z0-9 ]+)-----$/;
const END = /^-----END ([A-Z0-9 ]+)-----$/;
const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The blocks of a PEM text, in order. Only blocks and blank lines are allowed; RFC 1421
 * headers (`Proc-Type: 4,ENCRYPTED`) are refused, since they mean an encrypted key.
 */
export function decodePemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  let label: string | null = null;
  let body: string[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (label === null) {
      if (line === '') {
        continue;
      }
      const begin = BEGIN.exec(line);
      if (begin === null) {
        throw new KeyFormatError(
          i === 0 && blocks.length === 0
            ? 'it does not start with a -----BEGIN …----- line'
            : `line ${i + 1} is outside any -----BEGIN/END----- block`,
        );
      }
      label = begin[1] as string;
      body = [];
      continue;
    }
    const end = END.exec(line);
    if (end !== null) {
      if (end[1] !== label) {
        throw new KeyFormatError(`the ${label} block ends with -----END ${end[1]}-----`);
      }
      blocks.push({ label, der: decodeBase64(body.join(''), label) });
      label = null;
      continue;
    }
    if (line.includes(':')) {
      throw new KeyFormatError(
        `the ${label} block has headers (${line}); encrypted keys are not supported`,
      );
    }
    if (!BASE64_LINE.test(line)) {
      throw new KeyFormatError(`line ${i + 1} of the ${label} block is not base64`);
    }
    body.push(line);
  }
  if (label !== null) {
    throw new KeyFormatError(`the ${label} block has no -----END ${label}----- line`);
  }
  if (blocks.length === 0) {
    throw new KeyFormatError('it holds no -----BEGIN …----- block');
  }
  return blocks;
}

function decodeBase64(text: string, label: string): Uint8Array {
  const bytes = Buffer.from(text, 'base64');
  // Buffer skips what it cannot decode; a round trip shows whether anything was skipped.
  if (text.length % 4 !== 0 || bytes.toString('base64') !== text || bytes.length === 0) {
    throw new KeyFormatError(`the ${label} block is not valid base64`);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** One block, in lines of 64 characters, ending with a newline (as OpenSSL writes it). */
export function encodePemBlock(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return [`-----BEGIN ${label}-----`, ...lines, `-----END ${label}-----`, ''].join('\n');
}
