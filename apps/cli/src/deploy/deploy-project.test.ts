import { describe, expect, it } from 'vitest';
import { formatBytes, formatUploadProgress } from './deploy-project.js';

const MB = 1_000_000;

describe('formatBytes', () => {
  it('shows fewer than 1000 bytes as B', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1)).toBe('1 B');
    expect(formatBytes(999)).toBe('999 B');
  });

  it('shows thousands as kB with one decimal', () => {
    expect(formatBytes(1_000)).toBe('1.0 kB');
    expect(formatBytes(1_250)).toBe('1.3 kB');
    expect(formatBytes(512_000)).toBe('512.0 kB');
  });

  it('shows millions as MB with one decimal', () => {
    expect(formatBytes(MB)).toBe('1.0 MB');
    expect(formatBytes(5_300_000)).toBe('5.3 MB');
    expect(formatBytes(1_234 * MB)).toBe('1234.0 MB');
  });
});

describe('formatUploadProgress', () => {
  const at = (bytesDone: number, filesDone: number) => ({
    bytesDone,
    bytesTotal: 4 * MB,
    filesDone,
    filesTotal: 40,
  });

  it('shows a spinner, the name, a bar, bytes and files', () => {
    expect(formatUploadProgress('web', at(MB, 12), 0, 0)).toBe(
      `⠋ Uploading web ${'█'.repeat(5)}${'░'.repeat(15)} 1.0 MB / 4.0 MB  12/40 files`,
    );
  });

  it('turns the spinner with the frame number, wrapping around', () => {
    expect(formatUploadProgress('web', at(0, 0), 0, 1).startsWith('⠙ ')).toBe(true);
    expect(formatUploadProgress('web', at(0, 0), 0, 10).startsWith('⠋ ')).toBe(true);
  });

  it('fills the bar in proportion to the bytes done', () => {
    const bar = (done: number) =>
      formatUploadProgress('web', at(done, 0), 0, 0).match(/[█░]+/)?.[0];
    expect(bar(0)).toBe('░'.repeat(20));
    expect(bar(2 * MB)).toBe(`${'█'.repeat(10)}${'░'.repeat(10)}`);
    expect(bar(4 * MB)).toBe('█'.repeat(20));
  });

  it('shows a full bar when there is nothing to upload', () => {
    const line = formatUploadProgress(
      'docs',
      { bytesDone: 0, bytesTotal: 0, filesDone: 0, filesTotal: 0 },
      2_000,
      0,
    );
    expect(line).toContain('█'.repeat(20));
    expect(line).toContain('0 B / 0 B  0/0 files');
  });

  it('shows no ETA until half a second has passed', () => {
    expect(formatUploadProgress('web', at(MB, 1), 0, 0)).not.toContain('ETA');
    expect(formatUploadProgress('web', at(MB, 1), 500, 0)).not.toContain('ETA');
    expect(formatUploadProgress('web', at(MB, 1), 501, 0)).toContain('ETA');
  });

  it('shows no ETA before any byte is done', () => {
    expect(formatUploadProgress('web', at(0, 0), 5_000, 0)).not.toContain('ETA');
  });

  it('estimates the time left from the rate so far, rounded up to a second', () => {
    // 1 MB in 1 s: 3 MB left take 3 s.
    expect(formatUploadProgress('web', at(MB, 10), 1_000, 0)).toMatch(/ {2}ETA 3 s$/);
    // 1 MB in 0.6 s: 3 MB left take 1.8 s, shown as 2 s.
    expect(formatUploadProgress('web', at(MB, 10), 600, 0)).toMatch(/ {2}ETA 2 s$/);
    expect(formatUploadProgress('web', at(4 * MB, 40), 2_000, 0)).toMatch(/ {2}ETA 0 s$/);
  });
});
