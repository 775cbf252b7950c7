import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileSize, readLogTail } from './log-tail.js';

describe('readLogTail', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'citadel-log-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('returns the last lines written after the offset', async () => {
    const path = join(dir, 'network.log');
    const earlier = 'old run\n';
    await writeFile(path, `${earlier}one\ntwo\nthree\n`);
    expect(await readLogTail(path, earlier.length, 2)).toEqual(['two', 'three']);
    expect(await readLogTail(path, earlier.length)).toEqual(['one', 'two', 'three']);
  });

  it('returns nothing for a missing file or nothing new', async () => {
    const path = join(dir, 'network.log');
    expect(await readLogTail(path)).toEqual([]);
    await writeFile(path, 'old\n');
    expect(await readLogTail(path, await fileSize(path))).toEqual([]);
  });

  it('measures a missing file as 0 bytes', async () => {
    expect(await fileSize(join(dir, 'missing.log'))).toBe(0);
  });
});
