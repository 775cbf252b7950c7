import { appendFile, mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCitadelError } from '@citadel/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirErrorCode } from './errors.js';
import type { RoundRecord } from './round-log.js';
import {
  ROUND_LOG_DIR,
  RoundLog,
  frameRecord,
  quarantineRoundLog,
  readRoundLog,
  removeRoundLog,
} from './round-log.js';

function makeRecord(height: bigint, messages = 1): RoundRecord {
  return {
    height,
    timeNs: 1_700_000_000_000_000_000n + height,
    ingress: Array.from({ length: messages }, (_, i) => ({
      requestId: new Uint8Array(32).fill(Number(height % 200n) + i),
      sender: Uint8Array.of(4),
      canisterId: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1, 1, 1),
      method: `method_${i}`,
      arg: new Uint8Array(100 + i).fill(7),
      // Past 2^53, so the codec must keep it a bigint.
      expiryNs: 2n ** 62n + height,
    })),
  };
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('the round log', () => {
  let dataDir: string;
  const logDir = () => join(dataDir, ROUND_LOG_DIR);

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'citadel-round-log-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reads back every appended record, field for field, in order', async () => {
    const log = await RoundLog.open(dataDir, 1n);
    const records = [makeRecord(1n, 0), makeRecord(2n, 3), makeRecord(5n, 1)];
    for (const record of records) {
      await log.append(record);
    }
    await log.close();
    expect(await readRoundLog(dataDir, 0n)).toStrictEqual({ records, continuous: true });
  });

  it('returns only the records after the checkpoint height', async () => {
    const log = await RoundLog.open(dataDir, 1n);
    for (const height of [1n, 2n, 3n, 4n]) {
      await log.append(makeRecord(height));
    }
    await log.close();
    const { records } = await readRoundLog(dataDir, 2n);
    expect(records.map((r) => r.height)).toEqual([3n, 4n]);
  });

  it('starts a segment per checkpoint and prunes the ones a newer checkpoint covers', async () => {
    const log = await RoundLog.open(dataDir, 1n);
    await log.append(makeRecord(1n));
    await log.append(makeRecord(2n));
    log.rotate(3n);
    await log.append(makeRecord(3n));
    log.rotate(4n);
    await log.append(makeRecord(4n));
    expect(await readdir(logDir())).toHaveLength(3);

    // A checkpoint of round 2 makes the first segment (rounds 1–2) unnecessary, no more.
    await log.prune(2n);
    await log.close();
    expect((await readdir(logDir())).sort()).toEqual([
      '00000000000000000003.log',
      '00000000000000000004.log',
    ]);
    expect((await readRoundLog(dataDir, 2n)).records.map((r) => r.height)).toEqual([3n, 4n]);
  });

  it('says the log is not continuous when the segment following the checkpoint is gone', async () => {
    const log = await RoundLog.open(dataDir, 5n);
    await log.append(makeRecord(5n));
    await log.close();
    expect((await readRoundLog(dataDir, 4n)).continuous).toBe(true);
    expect((await readRoundLog(dataDir, 2n)).continuous).toBe(false);
    expect(await readRoundLog(join(dataDir, 'empty'), 0n)).toEqual({
      records: [],
      continuous: true,
    });
  });

  it('drops a record cut short by a crash and truncates the file to the last whole record', async () => {
    const log = await RoundLog.open(dataDir, 1n);
    await log.append(makeRecord(1n));
    await log.append(makeRecord(2n));
    await log.close();
    const [segment] = await readdir(logDir());
    const path = join(logDir(), segment as string);
    const whole = (await readFile(path)).length;
    // Half of a third record, as a kill during write() leaves it.
    const third = frameRecord(makeRecord(3n));
    await appendFile(path, third.subarray(0, third.length >> 1));

    const lines: string[] = [];
    const { records } = await readRoundLog(dataDir, 0n, (line) => lines.push(line));
    expect(records.map((r) => r.height)).toEqual([1n, 2n]);
    expect(lines.join('\n')).toContain('cut short by a crash');
    expect((await readFile(path)).length).toBe(whole);
  });

  it('treats a header cut inside its first eight bytes as a torn tail too', async () => {
    const log = await RoundLog.open(dataDir, 1n);
    await log.append(makeRecord(1n));
    await log.close();
    const [segment] = await readdir(logDir());
    await appendFile(join(logDir(), segment as string), Uint8Array.of(0, 0, 1));
    expect((await readRoundLog(dataDir, 0n)).records).toHaveLength(1);
  });

  it('refuses a segment damaged in the middle, where whole records follow the bad one', async () => {
    const log = await RoundLog.open(dataDir, 1n);
    for (const height of [1n, 2n, 3n]) {
      await log.append(makeRecord(height));
    }
    await log.close();
    const [segment] = await readdir(logDir());
    const path = join(logDir(), segment as string);
    const bytes = await readFile(path);
    bytes[20] = (bytes[20] as number) ^ 0xff;
    await writeFile(path, bytes);

    const error = await errorOf(readRoundLog(dataDir, 0n));
    expect(isCitadelError(error, DataDirErrorCode.CORRUPT_ROUND_LOG)).toBe(true);
    expect((error as Error).message).toContain(path);
  });

  it('refuses records whose heights go backwards', async () => {
    const log = await RoundLog.open(dataDir, 1n);
    await log.append(makeRecord(2n));
    await log.append(makeRecord(1n));
    await log.close();
    const error = await errorOf(readRoundLog(dataDir, 0n));
    expect(isCitadelError(error, DataDirErrorCode.CORRUPT_ROUND_LOG)).toBe(true);
  });

  it('reports an append the file system refuses as a coded error, and keeps working after', async () => {
    const log = await RoundLog.open(dataDir, 1n);
    await rm(logDir(), { recursive: true });
    await writeFile(logDir(), 'not a directory');
    const error = await errorOf(log.append(makeRecord(1n)));
    expect(isCitadelError(error, DataDirErrorCode.ROUND_LOG_IO_FAILED)).toBe(true);

    await rm(logDir());
    const again = await RoundLog.open(dataDir, 1n);
    await again.append(makeRecord(1n));
    await again.close();
    expect((await readRoundLog(dataDir, 0n)).records).toHaveLength(1);
  });

  it('appends to an existing segment of the same name after a restart', async () => {
    const first = await RoundLog.open(dataDir, 1n);
    await first.append(makeRecord(1n));
    await first.close();
    const second = await RoundLog.open(dataDir, 1n);
    await second.append(makeRecord(2n));
    await second.close();
    expect((await readRoundLog(dataDir, 0n)).records.map((r) => r.height)).toEqual([1n, 2n]);
  });

  it('can be moved aside or removed entirely', async () => {
    const log = await RoundLog.open(dataDir, 1n);
    await log.append(makeRecord(1n));
    await log.close();
    const moved = await quarantineRoundLog(dataDir);
    expect(await readdir(moved)).toHaveLength(1);
    expect((await readRoundLog(dataDir, 0n)).records).toEqual([]);

    const next = await RoundLog.open(dataDir, 1n);
    await next.append(makeRecord(1n));
    await next.close();
    await removeRoundLog(dataDir);
    expect((await readRoundLog(dataDir, 0n)).records).toEqual([]);
  });

  it('ignores files in the log folder that are not segments', async () => {
    const log = await RoundLog.open(dataDir, 1n);
    await log.append(makeRecord(1n));
    await log.close();
    await writeFile(join(logDir(), 'notes.txt'), 'hello');
    await writeFile(join(logDir(), '12.log'), 'short name');
    expect((await readRoundLog(dataDir, 0n)).records).toHaveLength(1);
  });

  it('truncation leaves an empty segment readable', async () => {
    const log = await RoundLog.open(dataDir, 1n);
    await log.append(makeRecord(1n));
    await log.close();
    const [segment] = await readdir(logDir());
    await truncate(join(logDir(), segment as string), 0);
    expect((await readRoundLog(dataDir, 0n)).records).toEqual([]);
  });
});
