import { describe, expect, it } from 'vitest';
import {
  DerTag,
  KeyFormatError,
  decodeOid,
  encodeDer,
  encodeDerSequence,
  encodeOid,
  readDerElement,
  readDerElements,
} from './der.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const bytes = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));

describe('DER', () => {
  it.each([
    ['1.3.101.112', '2b6570'],
    ['1.2.840.10045.2.1', '2a8648ce3d0201'],
    ['1.3.132.0.10', '2b8104000a'],
    ['1.2.840.113549.1.1.1', '2a864886f70d010101'],
  ])('encodes and decodes the object identifier %s as %s', (oid, contents) => {
    expect(hex(encodeOid(oid))).toBe(contents);
    expect(decodeOid(bytes(contents))).toBe(oid);
  });

  it('writes short, one-byte and two-byte lengths', () => {
    expect(hex(encodeDer(DerTag.OCTET_STRING, new Uint8Array(2)))).toBe('04020000');
    expect(hex(encodeDer(DerTag.OCTET_STRING, new Uint8Array(200)).subarray(0, 3))).toBe('0481c8');
    expect(hex(encodeDer(DerTag.OCTET_STRING, new Uint8Array(300)).subarray(0, 4))).toBe(
      '0482012c',
    );
  });

  it('reads back what it writes, long lengths included', () => {
    const long = new Uint8Array(300).fill(7);
    const der = encodeDerSequence(encodeDer(DerTag.INTEGER, Uint8Array.of(1)), encodeDer(4, long));
    const sequence = readDerElement(der, DerTag.SEQUENCE, 'the test');
    const [integer, octets] = readDerElements(sequence.contents);
    expect(integer).toEqual({ tag: DerTag.INTEGER, contents: Uint8Array.of(1) });
    expect(octets?.contents).toEqual(long);
  });

  it.each([
    ['a truncated element', '3005020100'],
    ['a truncated length', '3082'],
    ['a non-minimal length', '30810100'],
    ['an indefinite length', '30800000'],
    ['trailing bytes', '3000ff'],
    ['another tag', '0400'],
  ])('rejects %s with KeyFormatError', (_what, der) => {
    expect(() => readDerElement(bytes(der), DerTag.SEQUENCE, 'the test')).toThrow(KeyFormatError);
  });

  it('rejects an object identifier that stops in the middle of a number', () => {
    expect(() => decodeOid(bytes('2b81'))).toThrow(KeyFormatError);
  });
});
