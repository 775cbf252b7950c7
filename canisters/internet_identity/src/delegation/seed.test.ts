import { createHash } from 'node:crypto';
import { bytesToHex } from '@citadel/protocol';
import { describe, expect, it } from 'vitest';
import { deriveSeed } from './seed.js';

const utf8 = (text: string) => new TextEncoder().encode(text);
const SALT = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

/** The seed written out byte by byte, hashed by Node's own SHA-256. */
function expectedSeed(salt: Uint8Array, anchor: string, frontend: string): Uint8Array {
  const parts = [salt, utf8(anchor), utf8(frontend)];
  const blob = parts.flatMap((part) => [part.length, ...part]);
  return new Uint8Array(createHash('sha256').update(Uint8Array.from(blob)).digest());
}

describe('deriveSeed', () => {
  it('hashes len ‖ salt ‖ len ‖ decimal anchor ‖ len ‖ frontend (II calculate_seed)', () => {
    const frontend = 'http://localhost:5173';
    expect(deriveSeed(SALT, 10_000n, utf8(frontend))).toEqual(
      expectedSeed(SALT, '10000', frontend),
    );
    const long = `https://${'x'.repeat(240)}.io`;
    expect(deriveSeed(SALT, 18_446_744_073_709_551_615n, utf8(long))).toEqual(
      expectedSeed(SALT, '18446744073709551615', long),
    );
  });

  it('matches a fixed vector (computed once with Node: salt 01..20, anchor 10000)', () => {
    expect(bytesToHex(deriveSeed(SALT, 10_000n, utf8('http://localhost:5173')))).toBe(
      'a28463c6795c969e63345b0c51d533b4a5863db316580a90f66392e32e0d6a2e',
    );
  });

  it('differs per anchor, per frontend and per salt', () => {
    const seeds = [
      deriveSeed(SALT, 10_000n, utf8('http://localhost:5173')),
      deriveSeed(SALT, 10_001n, utf8('http://localhost:5173')),
      deriveSeed(SALT, 10_000n, utf8('http://127.0.0.1:5173')),
      deriveSeed(SALT, 10_000n, utf8('http://localhost:5174')),
      deriveSeed(new Uint8Array(32), 10_000n, utf8('http://localhost:5173')),
    ].map(bytesToHex);
    expect(new Set(seeds).size).toBe(seeds.length);
  });

  it('fails for a frontend longer than a one-byte length can say', () => {
    expect(() => deriveSeed(SALT, 10_000n, new Uint8Array(256))).toThrow(RangeError);
  });
});
