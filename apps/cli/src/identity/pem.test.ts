import { describe, expect, it } from 'vitest';
import { KeyFormatError } from './der.js';
import { decodePemBlocks, encodePemBlock } from './pem.js';

describe('PEM armour', () => {
  it('writes 64-character lines and a final newline, and reads them back', () => {
    const der = Uint8Array.from({ length: 100 }, (_, i) => i);
    const pem = encodePemBlock('PRIVATE KEY', der);
    const lines = pem.split('\n');
    expect(lines[0]).toBe('-----BEGIN PRIVATE KEY-----');
    expect(lines[1]).toHaveLength(64);
    expect(lines.at(-2)).toBe('-----END PRIVATE KEY-----');
    expect(lines.at(-1)).toBe('');
    expect(decodePemBlocks(pem)).toEqual([{ label: 'PRIVATE KEY', der }]);
  });

  it('reads several blocks, CRLF line ends and surrounding blank lines', () => {
    const text =
      '\r\n-----BEGIN A-----\r\nAQI=\r\n-----END A-----\r\n\r\n-----BEGIN B C-----\r\nAw==\r\n-----END B C-----\r\n';
    expect(decodePemBlocks(text)).toEqual([
      { label: 'A', der: Uint8Array.of(1, 2) },
      { label: 'B C', der: Uint8Array.of(3) },
    ]);
  });

  it.each([
    ['no block', 'hello'],
    ['an empty text', ''],
    ['a block without its END line', '-----BEGIN A-----\nAQI=\n'],
    ['an END line of another label', '-----BEGIN A-----\nAQI=\n-----END B-----\n'],
    ['text between blocks', '-----BEGIN A-----\nAQI=\n-----END A-----\nnote\n'],
    ['characters outside base64', '-----BEGIN A-----\nAQ*=\n-----END A-----\n'],
    ['base64 of the wrong length', '-----BEGIN A-----\nAQI\n-----END A-----\n'],
    ['an empty block', '-----BEGIN A-----\n-----END A-----\n'],
    [
      'RFC 1421 encryption headers',
      '-----BEGIN A-----\nProc-Type: 4,ENCRYPTED\n\nAQI=\n-----END A-----\n',
    ],
  ])('rejects %s with KeyFormatError', (_what, text) => {
    expect(() => decodePemBlocks(text)).toThrow(KeyFormatError);
  });
});
