import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir } from '../testing/fakes.js';
import { openUploadJournal } from './upload-journal.js';

const MINUTE = 60_000;
const sha = (n: number): string => n.toString(16).padStart(64, '0');

async function exists(path: string): Promise<boolean> {
  return readFile(path).then(
    () => true,
    () => false,
  );
}

describe('openUploadJournal', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let journalDir: string;
  let file: string;
  let now: number;
  const nowMs = () => now;
  beforeEach(async () => {
    dir = await makeTempDir();
    journalDir = join(dir.path, '.citadel', 'uploads');
    file = join(journalDir, 'web.json');
    now = 1_000_000;
  });
  afterEach(() => dir.remove());

  it('is empty and writes nothing when there is no journal file', async () => {
    const journal = await openUploadJournal(file, nowMs);
    expect(journal.batchId).toBeUndefined();
    expect(journal.chunkIds.size).toBe(0);
    await journal.flush();
    expect(await exists(file)).toBe(false);
  });

  it('round-trips the batch and the chunk ids through the file', async () => {
    const first = await openUploadJournal(file, nowMs);
    await first.started(12n);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ batchId: '12', chunks: {} });
    first.uploaded(sha(1), 100n);
    first.uploaded(sha(2), 101n);
    await first.flush();
    now += MINUTE;
    const second = await openUploadJournal(file, nowMs);
    expect(second.batchId).toBe(12n);
    expect([...second.chunkIds]).toEqual([
      [sha(1), 100n],
      [sha(2), 101n],
    ]);
  });

  it('forgets the chunks of the previous batch when a new one starts', async () => {
    const journal = await openUploadJournal(file, nowMs);
    await journal.started(1n);
    journal.uploaded(sha(1), 100n);
    await journal.started(2n);
    expect(journal.chunkIds.size).toBe(0);
    const reopened = await openUploadJournal(file, nowMs);
    expect(reopened.batchId).toBe(2n);
    expect(reopened.chunkIds.size).toBe(0);
  });

  it('writes in the background every 16 uploaded chunks, without a flush', async () => {
    const journal = await openUploadJournal(file, nowMs);
    await journal.started(3n);
    for (let i = 0; i < 15; i++) {
      journal.uploaded(sha(i), BigInt(i));
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(Object.keys(JSON.parse(await readFile(file, 'utf8')).chunks)).toHaveLength(0);
    journal.uploaded(sha(15), 15n);
    await vi.waitFor(async () => {
      expect(Object.keys(JSON.parse(await readFile(file, 'utf8')).chunks)).toHaveLength(16);
    });
  });

  it('trusts a journal written less than 4 minutes ago and not an older one', async () => {
    const journal = await openUploadJournal(file, nowMs);
    await journal.started(9n);
    journal.uploaded(sha(1), 1n);
    await journal.flush();
    const writtenAt = now;

    now = writtenAt + 4 * MINUTE - 1;
    const fresh = await openUploadJournal(file, nowMs);
    expect(fresh.batchId).toBe(9n);
    expect(fresh.chunkIds.size).toBe(1);

    now = writtenAt + 4 * MINUTE;
    const stale = await openUploadJournal(file, nowMs);
    expect(stale.batchId).toBeUndefined();
    expect(stale.chunkIds.size).toBe(0);
  });

  it('dates the journal from its last write, so a flush keeps a long upload trusted', async () => {
    const journal = await openUploadJournal(file, nowMs);
    await journal.started(9n);
    now += 3 * MINUTE;
    journal.uploaded(sha(1), 1n);
    await journal.flush();
    now += 3 * MINUTE;
    expect((await openUploadJournal(file, nowMs)).batchId).toBe(9n);
  });

  it('clear forgets the batch and removes the file', async () => {
    const journal = await openUploadJournal(file, nowMs);
    await journal.started(5n);
    journal.uploaded(sha(1), 1n);
    await journal.clear();
    expect(journal.batchId).toBeUndefined();
    expect(journal.chunkIds.size).toBe(0);
    expect(await exists(file)).toBe(false);
    // A flush after clear writes nothing back.
    await journal.flush();
    expect(await exists(file)).toBe(false);
    expect((await openUploadJournal(file, nowMs)).batchId).toBeUndefined();
    // Clearing again, with no file, is fine.
    await expect(journal.clear()).resolves.toBeUndefined();
  });

  it('leaves no temporary file behind', async () => {
    const journal = await openUploadJournal(file, nowMs);
    await journal.started(5n);
    journal.uploaded(sha(1), 1n);
    await journal.flush();
    expect(await readdir(journalDir)).toEqual(['web.json']);
  });

  it('starts fresh from a corrupt or foreign journal file', async () => {
    await mkdir(journalDir, { recursive: true });
    const valid = {
      format: 'citadel-upload-journal-v1',
      batchId: '5',
      updatedAtMs: now,
      chunks: { [sha(1)]: '1' },
    };
    for (const text of [
      '{ "format": "citadel-upload-journal-v1", ',
      'garbage',
      '',
      '[]',
      '7',
      JSON.stringify({ ...valid, format: 'citadel-upload-journal-v0' }),
      JSON.stringify({ ...valid, batchId: 5 }),
      JSON.stringify({ ...valid, batchId: 'five' }),
      JSON.stringify({ ...valid, updatedAtMs: String(now) }),
      JSON.stringify({ ...valid, updatedAtMs: undefined }),
    ]) {
      await writeFile(file, text);
      const journal = await openUploadJournal(file, nowMs);
      expect(journal.batchId, text).toBeUndefined();
      expect(journal.chunkIds.size, text).toBe(0);
    }
  });

  it('reads a journal without chunks as a batch with none uploaded', async () => {
    await mkdir(journalDir, { recursive: true });
    await writeFile(
      file,
      JSON.stringify({ format: 'citadel-upload-journal-v1', batchId: '5', updatedAtMs: now }),
    );
    const journal = await openUploadJournal(file, nowMs);
    expect(journal.batchId).toBe(5n);
    expect(journal.chunkIds.size).toBe(0);
  });

  it('throws when the journal cannot be read for a reason other than not existing', async () => {
    await mkdir(file, { recursive: true });
    await expect(openUploadJournal(file, nowMs)).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it('surfaces from the next flush, and not as an unhandled rejection, a background write that failed', async () => {
    const journal = await openUploadJournal(file, nowMs);
    await journal.started(5n);
    // The journal's directory becomes a regular file: every later write fails.
    await rm(journalDir, { recursive: true });
    await writeFile(journalDir, 'in the way');
    for (let i = 0; i < 16; i++) {
      journal.uploaded(sha(i), BigInt(i));
    }
    // The upload goes on for a while before the next flush.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(journal.flush()).rejects.toMatchObject({
      code: expect.stringMatching(/^(EEXIST|ENOTDIR)$/),
    });
  });

  it('makes flush fail when the file cannot be written', async () => {
    const journal = await openUploadJournal(file, nowMs);
    await journal.started(5n);
    await rm(journalDir, { recursive: true });
    await writeFile(journalDir, 'in the way');
    journal.uploaded(sha(1), 1n);
    await expect(journal.flush()).rejects.toMatchObject({
      code: expect.stringMatching(/^(EEXIST|ENOTDIR)$/),
    });
  });

  it('fails started when the batch cannot be recorded', async () => {
    const journal = await openUploadJournal(file, nowMs);
    await writeFile(join(dir.path, '.citadel'), 'in the way');
    await expect(journal.started(5n)).rejects.toMatchObject({
      code: expect.stringMatching(/^(EEXIST|ENOTDIR)$/),
    });
  });
});
