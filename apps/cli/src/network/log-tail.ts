import { open } from 'node:fs/promises';
import { systemErrorCode } from '../errors.js';

/** At most this many bytes are read from the end of a log. */
const MAX_TAIL_BYTES = 64 * 1024;

/**
 * The last `maxLines` lines written to `path` after byte `fromOffset` (the log is appended to
 * by every background start, so the offset isolates this run). Empty when there are none.
 */
export async function readLogTail(path: string, fromOffset = 0, maxLines = 20): Promise<string[]> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') {
      return [];
    }
    throw error;
  }
  try {
    const { size } = await file.stat();
    const start = Math.max(fromOffset, size - MAX_TAIL_BYTES, 0);
    const length = Math.max(size - start, 0);
    const buffer = new Uint8Array(length);
    await file.read(buffer, 0, length, start);
    const lines = new TextDecoder().decode(buffer).split(/\r?\n/);
    if (lines.at(-1) === '') {
      lines.pop();
    }
    return lines.slice(-maxLines);
  } finally {
    await file.close();
  }
}

/** Size of `path` in bytes, 0 when it does not exist. */
export async function fileSize(path: string): Promise<number> {
  try {
    const file = await open(path, 'r');
    try {
      return (await file.stat()).size;
    } finally {
      await file.close();
    }
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') {
      return 0;
    }
    throw error;
  }
}
