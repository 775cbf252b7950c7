/** Showing hashes, sizes and counts to people. */

/**
 * Bytes as lower-case hex, two digits a byte.
 * @example
 * toHex(new Uint8Array([0, 171])) // '00ab'
 */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * A module hash as the 64 lower-case hex digits `sha256sum` prints, whatever the case it
 * came in; undefined when it is not a SHA-256 (so a malformed value is never shown as one).
 */
export function formatModuleHash(hash: string | Uint8Array): string | undefined {
  const hex = (typeof hash === 'string' ? hash : toHex(hash)).toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

/**
 * A size in binary units, one decimal below 10 of a unit.
 * @example
 * formatBytes(512n) // '512 B'
 * formatBytes(1_536n) // '1.5 KiB'
 * formatBytes(3_221_225_472n) // '3.0 GiB'
 */
export function formatBytes(bytes: bigint, locale?: string): string {
  if (bytes < 1024n) {
    return `${bytes} B`;
  }
  let value = Number(bytes) / 1024;
  let unit: (typeof UNITS)[number] = UNITS[0];
  for (const next of UNITS.slice(1)) {
    if (value < 1024) {
      break;
    }
    value /= 1024;
    unit = next;
  }
  const digits = value < 10 ? 1 : 0;
  const number = new Intl.NumberFormat(locale, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
  return `${number} ${unit}`;
}

/**
 * A count with its noun, singular for one.
 * @example
 * formatCount(1n, 'file') // '1 file'
 * formatCount(1_204n, 'file', 'en-US') // '1,204 files'
 */
export function formatCount(count: bigint, noun: string, locale?: string): string {
  const number = new Intl.NumberFormat(locale).format(count);
  return `${number} ${count === 1n ? noun : `${noun}s`}`;
}
