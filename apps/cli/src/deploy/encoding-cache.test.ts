import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../testing/fakes.js';
import { createMemoryEncodingCache, loadEncodingCache } from './encoding-cache.js';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);
const SHA_C = 'c'.repeat(64);
const GZ = { sha256: '1'.repeat(64), length: 10 };
const BR = { sha256: '2'.repeat(64), length: 8 };

describe('createMemoryEncodingCache', () => {
  it('returns what was set, by file hash and encoding, and nothing else', async () => {
    const cache = createMemoryEncodingCache();
    expect(cache.get(SHA_A, 'gzip')).toBeUndefined();
    cache.set(SHA_A, 'gzip', GZ);
    cache.set(SHA_A, 'br', BR);
    expect(cache.get(SHA_A, 'gzip')).toEqual(GZ);
    expect(cache.get(SHA_A, 'br')).toEqual(BR);
    expect(cache.get(SHA_B, 'gzip')).toBeUndefined();
    await expect(cache.save()).resolves.toBeUndefined();
  });

  it('starts empty for each cache', () => {
    createMemoryEncodingCache().set(SHA_A, 'gzip', GZ);
    expect(createMemoryEncodingCache().get(SHA_A, 'gzip')).toBeUndefined();
  });
});

describe('loadEncodingCache', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let file: string;
  beforeEach(async () => {
    dir = await makeTempDir();
    file = join(dir.path, '.citadel', 'cache', 'encodings.json');
  });
  afterEach(() => dir.remove());

  it('is empty when the file does not exist, and writes nothing until saved', async () => {
    const cache = await loadEncodingCache(file);
    expect(cache.get(SHA_A, 'gzip')).toBeUndefined();
    await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('round-trips entries through the file, creating its directory', async () => {
    const first = await loadEncodingCache(file);
    first.set(SHA_A, 'gzip', GZ);
    first.set(SHA_A, 'br', BR);
    await first.save();
    const second = await loadEncodingCache(file);
    expect(second.get(SHA_A, 'gzip')).toEqual(GZ);
    expect(second.get(SHA_A, 'br')).toEqual(BR);
    expect(second.get(SHA_B, 'gzip')).toBeUndefined();
    // Written through a temporary file that does not stay behind.
    expect(await readdir(join(dir.path, '.citadel', 'cache'))).toEqual(['encodings.json']);
  });

  it('saves only the entries read or set since loading', async () => {
    const first = await loadEncodingCache(file);
    first.set(SHA_A, 'gzip', GZ);
    first.set(SHA_B, 'gzip', GZ);
    first.set(SHA_C, 'br', BR);
    await first.save();

    const second = await loadEncodingCache(file);
    expect(second.get(SHA_A, 'gzip')).toEqual(GZ);
    second.set(SHA_B, 'br', BR);
    await second.save();

    const third = await loadEncodingCache(file);
    expect(third.get(SHA_A, 'gzip')).toEqual(GZ);
    expect(third.get(SHA_B, 'br')).toEqual(BR);
    // Not used by the second deploy: forgotten.
    expect(third.get(SHA_B, 'gzip')).toBeUndefined();
    expect(third.get(SHA_C, 'br')).toBeUndefined();
  });

  it('forgets every stored entry when a deploy saves without using any', async () => {
    const first = await loadEncodingCache(file);
    first.set(SHA_A, 'gzip', GZ);
    await first.save();
    const second = await loadEncodingCache(file);
    await second.save();
    // Saved with nothing used: empty.
    expect((await loadEncodingCache(file)).get(SHA_A, 'gzip')).toBeUndefined();
  });

  it('treats a corrupt or foreign file as an empty cache', async () => {
    await mkdir(join(dir.path, '.citadel', 'cache'), { recursive: true });
    const entries = { [`${SHA_A}:gzip`]: GZ };
    for (const text of [
      '{ "format": "citadel-encodings-v1", "entries": ',
      'not json at all',
      '',
      JSON.stringify({ format: 'citadel-encodings-v0', entries }),
      JSON.stringify({ format: 'something-else', entries }),
      JSON.stringify({ entries }),
      JSON.stringify({ format: 'citadel-encodings-v1', entries: null }),
      JSON.stringify({ format: 'citadel-encodings-v1', entries: 'nope' }),
      '[]',
      '42',
    ]) {
      await writeFile(file, text);
      const cache = await loadEncodingCache(file);
      expect(cache.get(SHA_A, 'gzip'), text).toBeUndefined();
    }
  });

  it('drops entries of the wrong shape and keeps the others', async () => {
    await mkdir(join(dir.path, '.citadel', 'cache'), { recursive: true });
    await writeFile(
      file,
      JSON.stringify({
        format: 'citadel-encodings-v1',
        entries: {
          [`${SHA_A}:gzip`]: GZ,
          [`${SHA_A}:br`]: { sha256: 42, length: 8 },
          [`${SHA_B}:gzip`]: { sha256: GZ.sha256 },
          [`${SHA_B}:br`]: null,
          [`${SHA_C}:gzip`]: { ...BR, extra: true },
        },
      }),
    );
    const cache = await loadEncodingCache(file);
    expect(cache.get(SHA_A, 'gzip')).toEqual(GZ);
    expect(cache.get(SHA_A, 'br')).toBeUndefined();
    expect(cache.get(SHA_B, 'gzip')).toBeUndefined();
    expect(cache.get(SHA_B, 'br')).toBeUndefined();
    expect(cache.get(SHA_C, 'gzip')).toEqual(BR);
  });

  it('throws when the file cannot be read for a reason other than not existing', async () => {
    // A directory where the file should be: EISDIR.
    await mkdir(file, { recursive: true });
    await expect(loadEncodingCache(file)).rejects.toMatchObject({ code: 'EISDIR' });
    // A path through a regular file: ENOTDIR.
    const blocker = join(dir.path, 'plain-file');
    await writeFile(blocker, 'x');
    await expect(loadEncodingCache(join(blocker, 'encodings.json'))).rejects.toMatchObject({
      code: 'ENOTDIR',
    });
  });
});
