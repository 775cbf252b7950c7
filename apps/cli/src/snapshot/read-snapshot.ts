import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { isCitadelError } from '@citadel/protocol';
import { CliErrorCode, createCliError, systemErrorCode } from '../errors.js';
import type { ParseSnapshotOptions, SnapshotSummary } from './snapshot-format.js';
import { parseSnapshot, snapshotCorruptError } from './snapshot-format.js';

/** ID1 and ID2 of a gzip member (RFC 1952 §2.3.1). */
const GZIP_ID = [0x1f, 0x8b] as const;

/** `CLI_SNAPSHOT_IO_FAILED` for a file operation that failed. */
export function snapshotIoError(operation: string, path: string, error: unknown): Error {
  const systemCode = systemErrorCode(error) ?? null;
  const reason = error instanceof Error ? error.message : String(error);
  return createCliError(
    CliErrorCode.SNAPSHOT_IO_FAILED,
    `Could not ${operation} ${path}: ${reason}`,
    { operation, path, systemCode },
    { cause: error },
  );
}

/** Fails unless `file` exists and starts like a gzip stream. */
async function checkGzipFile(file: string): Promise<void> {
  let head: Uint8Array;
  try {
    const handle = await open(file, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(new Uint8Array(2), 0, 2, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    switch (systemErrorCode(error)) {
      case 'ENOENT':
        throw createCliError(
          CliErrorCode.SNAPSHOT_NOT_FOUND,
          `There is no snapshot at ${file}.`,
          { file },
          { cause: error },
        );
      case 'EISDIR':
        throw createCliError(
          CliErrorCode.SNAPSHOT_NOT_A_SNAPSHOT,
          `${file} is a directory, not a snapshot file.`,
          { file },
          { cause: error },
        );
      default:
        throw snapshotIoError('read', file, error);
    }
  }
  if (head.length < 2 || head[0] !== GZIP_ID[0] || head[1] !== GZIP_ID[1]) {
    throw createCliError(
      CliErrorCode.SNAPSHOT_NOT_A_SNAPSHOT,
      `${file} is not a citadel snapshot (it is not gzip'd).`,
      { file },
    );
  }
}

/** Maps what the read stream or gunzip threw to a snapshot error. */
function readFailure(error: unknown, file: string): Error {
  if (isCitadelError(error)) {
    return error;
  }
  const code = systemErrorCode(error);
  if (code === 'Z_BUF_ERROR') {
    return snapshotCorruptError(file, 'the gzip stream ends early (the file is truncated)', error);
  }
  if (code?.startsWith('Z_') === true) {
    const reason = error instanceof Error ? error.message : String(error);
    return snapshotCorruptError(file, `the gzip stream is damaged (${reason})`, error);
  }
  return snapshotIoError('read', file, error);
}

/**
 * Reads and checks the snapshot `file` from its first byte to its last: gzip framing and
 * checksum, header, every entry and the end record. `onEntry` may take each file's bytes.
 *
 * @throws CitadelError `CLI_SNAPSHOT_NOT_FOUND`, `CLI_SNAPSHOT_IO_FAILED`, or any error of
 *   {@link parseSnapshot}; a truncated or damaged gzip stream is `CLI_SNAPSHOT_CORRUPT`.
 */
export async function readSnapshotFile(
  file: string,
  options: ParseSnapshotOptions = {},
): Promise<SnapshotSummary> {
  await checkGzipFile(file);
  let summary: SnapshotSummary | undefined;
  try {
    await pipeline(
      createReadStream(file),
      createGunzip(),
      async (source: AsyncIterable<Uint8Array>) => {
        summary = await parseSnapshot(source, file, options);
      },
    );
  } catch (error) {
    throw readFailure(error, file);
  }
  if (summary === undefined) {
    throw new Error(`parsing ${file} finished without a result`);
  }
  return summary;
}
