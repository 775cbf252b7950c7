import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatModuleHash, toHex } from './format';

const HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('toHex', () => {
  it('writes two lower-case digits a byte, leading zeros kept', () => {
    expect(toHex(new Uint8Array([0, 1, 171, 255]))).toBe('0001abff');
    expect(toHex(new Uint8Array())).toBe('');
  });
});

describe('formatModuleHash', () => {
  it('shows a SHA-256 as 64 lower-case hex digits, from text or bytes', () => {
    expect(formatModuleHash(HASH.toUpperCase())).toBe(HASH);
    const bytes = Uint8Array.from(HASH.match(/../g) ?? [], (pair) => parseInt(pair, 16));
    expect(formatModuleHash(bytes)).toBe(HASH);
  });

  it('refuses anything that is not a SHA-256', () => {
    expect(formatModuleHash('abc')).toBeUndefined();
    expect(formatModuleHash(`${HASH}00`)).toBeUndefined();
    expect(formatModuleHash('z'.repeat(64))).toBeUndefined();
  });
});

describe('formatBytes', () => {
  it('says bytes below one KiB', () => {
    expect(formatBytes(0n, 'en-US')).toBe('0 B');
    expect(formatBytes(1023n, 'en-US')).toBe('1023 B');
  });

  it('says binary units with one decimal below ten', () => {
    expect(formatBytes(1024n, 'en-US')).toBe('1.0 KiB');
    expect(formatBytes(1536n, 'en-US')).toBe('1.5 KiB');
    expect(formatBytes(200n * 1024n, 'en-US')).toBe('200 KiB');
    expect(formatBytes(5n * 1024n * 1024n + 300_000n, 'en-US')).toBe('5.3 MiB');
    expect(formatBytes(3n * 1024n ** 3n, 'en-US')).toBe('3.0 GiB');
  });
});

describe('formatCount', () => {
  it('uses the singular for one and groups digits', () => {
    expect(formatCount(1n, 'file', 'en-US')).toBe('1 file');
    expect(formatCount(0n, 'file', 'en-US')).toBe('0 files');
    expect(formatCount(1204n, 'file', 'en-US')).toBe('1,204 files');
  });
});
