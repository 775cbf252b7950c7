import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../testing/fakes.js';
import {
  type EncodingCache,
  type CachedEncoding,
  createMemoryEncodingCache,
} from './encoding-cache.js';
import {
  type LocalAsset,
  type LocalEncoding,
  citadelDefaultEncodings,
  mapConcurrently,
  scanSite,
} from './local-assets.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const sha256Hex = (bytes: Uint8Array | string): string =>
  createHash('sha256').update(bytes).digest('hex');

/** Text that compresses well: gzip and brotli are both much smaller. */
const TEXT = `<!doctype html><title>home</title>${'<p>hello, certified world</p>\n'.repeat(200)}`;
/** Bytes no compressor shrinks: 4 KiB of SHA-256 output. */
const NOISE = Buffer.concat(
  Array.from({ length: 128 }, (_, i) => createHash('sha256').update(String(i)).digest()),
);

async function writeSite(root: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

function byKey(assets: readonly LocalAsset[], key: string): LocalAsset {
  const asset = assets.find((candidate) => candidate.key === key);
  if (asset === undefined) {
    throw new Error(`no asset ${key} in ${assets.map((a) => a.key).join(', ')}`);
  }
  return asset;
}

function encodingOf(asset: LocalAsset, name: string): LocalEncoding {
  const encoding = asset.encodings.find((candidate) => candidate.name === name);
  if (encoding === undefined) {
    throw new Error(`${asset.key} has no ${name} encoding`);
  }
  return encoding;
}

const names = (asset: LocalAsset): string[] => asset.encodings.map((encoding) => encoding.name);

/** A memory cache that records every `set`, to tell whether a scan compressed anything. */
function recordingCache(inner: EncodingCache = createMemoryEncodingCache()): {
  cache: EncodingCache;
  sets: string[];
  gets: string[];
} {
  const sets: string[] = [];
  const gets: string[] = [];
  return {
    sets,
    gets,
    cache: {
      get(sha, encoding) {
        gets.push(`${sha}:${encoding}`);
        return inner.get(sha, encoding);
      },
      set(sha, encoding, value) {
        sets.push(`${sha}:${encoding}`);
        inner.set(sha, encoding, value);
      },
      save: () => inner.save(),
    },
  };
}

describe('scanSite', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => dir.remove());

  const scan = (cache: EncodingCache = createMemoryEncodingCache()) =>
    scanSite(dir.path, { cache });

  it('keys each file by "/" and its path from the root, keeping unicode and spaces, in name order', async () => {
    await writeSite(dir.path, {
      'index.html': TEXT,
      'b.txt': 'b',
      'docs/guide.html': TEXT,
      'files/résumé.txt': 'unicode name',
      'files/read me.txt': 'space in the name',
      'a/deep/nested/file.js': 'export {}',
    });
    const assets = await scan();
    expect(assets.map((asset) => asset.key)).toEqual([
      '/a/deep/nested/file.js',
      '/b.txt',
      '/docs/guide.html',
      '/files/read me.txt',
      '/files/résumé.txt',
      '/index.html',
    ]);
    const resume = byKey(assets, '/files/résumé.txt');
    expect(resume.file).toBe(join(dir.path, 'files', 'résumé.txt'));
    expect(resume.contentType).toBe('text/plain');
  });

  it('skips dot-files and dot-directories but keeps .well-known', async () => {
    await writeSite(dir.path, {
      'index.html': TEXT,
      '.hidden': 'never uploaded',
      '.git/config': 'never uploaded',
      'sub/.env': 'SECRET=1',
      '.well-known/security.txt': 'Contact: mailto:security@example.com',
      '.ic-assets.json5': '[]',
    });
    const assets = await scan();
    expect(assets.map((asset) => asset.key)).toEqual(['/.well-known/security.txt', '/index.html']);
  });

  it('applies headers (sorted by name), max_age, aliasing, raw access, ignore and encodings from .ic-assets.json5', async () => {
    await writeSite(dir.path, {
      '.ic-assets.json5': `[
        { match: "**/*.js", headers: { "x-kind": "script", "Cache-Tag": "js" }, cache: { max_age: 600 } },
        { match: "secret.txt", ignore: true },
        { match: "drafts", ignore: true },
        { match: "raw.html", allow_raw_access: false, enable_aliasing: false },
        { match: "gzip-only.txt", encodings: ["identity", "gzip"] },
        { match: "plain.html", encodings: ["identity"] },
        { match: "brotli.bin", encodings: ["identity", "brotli"] },
      ]`,
      'app.js': TEXT,
      'lib/util.js': TEXT,
      'secret.txt': 'not for the canister',
      'drafts/post.html': TEXT,
      'raw.html': TEXT,
      'gzip-only.txt': TEXT,
      'plain.html': TEXT,
      'brotli.bin': TEXT,
      'index.html': TEXT,
    });
    const assets = await scan();
    expect(assets.map((asset) => asset.key)).toEqual([
      '/app.js',
      '/brotli.bin',
      '/gzip-only.txt',
      '/index.html',
      '/lib/util.js',
      '/plain.html',
      '/raw.html',
    ]);
    for (const key of ['/app.js', '/lib/util.js']) {
      const script = byKey(assets, key);
      expect(script.headers, key).toEqual([
        ['Cache-Tag', 'js'],
        ['x-kind', 'script'],
      ]);
      expect(script.maxAge, key).toBe(600n);
    }
    const index = byKey(assets, '/index.html');
    expect(index).toMatchObject({
      headers: undefined,
      maxAge: undefined,
      enableAliasing: undefined,
      allowRawAccess: true,
    });
    expect(byKey(assets, '/raw.html')).toMatchObject({
      allowRawAccess: false,
      enableAliasing: false,
    });
    expect(names(byKey(assets, '/gzip-only.txt'))).toEqual(['identity', 'gzip']);
    expect(names(byKey(assets, '/plain.html'))).toEqual(['identity']);
    // Chosen encodings apply whatever the content type: a .bin compressed with brotli.
    expect(byKey(assets, '/brotli.bin').contentType).toBe('application/octet-stream');
    expect(names(byKey(assets, '/brotli.bin'))).toEqual(['identity', 'br']);
  });

  it('uploads text as identity, gzip and brotli and binary types as identity only', async () => {
    await writeSite(dir.path, {
      'index.html': TEXT,
      'app.js': TEXT,
      'data.json': JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: i, ok: true }))),
      'logo.svg': `<svg xmlns="http://www.w3.org/2000/svg">${'<rect width="1" height="1"/>'.repeat(100)}</svg>`,
      // A compressible payload behind a binary type is still stored once.
      'picture.png': TEXT,
      'clip.mp4': TEXT,
      'blob.bin': TEXT,
    });
    const assets = await scan();
    for (const key of ['/index.html', '/app.js', '/data.json', '/logo.svg']) {
      expect(names(byKey(assets, key)), key).toEqual(['identity', 'gzip', 'br']);
    }
    for (const key of ['/picture.png', '/clip.mp4', '/blob.bin']) {
      expect(names(byKey(assets, key)), key).toEqual(['identity']);
    }
    expect(citadelDefaultEncodings('text/html')).toEqual(['identity', 'gzip', 'br']);
    expect(citadelDefaultEncodings('image/png')).toEqual(['identity']);
  });

  it('keeps a compressed encoding only when it is smaller than the file', async () => {
    await writeSite(dir.path, {
      'tiny.txt': 'a',
      'noise.txt': NOISE,
      'empty.html': '',
      'big.txt': TEXT,
    });
    const assets = await scan();
    expect(names(byKey(assets, '/tiny.txt'))).toEqual(['identity']);
    expect(names(byKey(assets, '/noise.txt'))).toEqual(['identity']);
    expect(names(byKey(assets, '/empty.html'))).toEqual(['identity']);
    const big = byKey(assets, '/big.txt');
    expect(names(big)).toEqual(['identity', 'gzip', 'br']);
    for (const encoding of big.encodings.slice(1)) {
      expect(encoding.length, encoding.name).toBeLessThan(TEXT.length);
    }
  });

  it('reports the SHA-256 and length of the file and of the bytes each encoding reads', async () => {
    await writeSite(dir.path, { 'index.html': TEXT, 'noise.bin': NOISE, 'empty.txt': '' });
    const assets = await scan();
    for (const asset of assets) {
      const identity = encodingOf(asset, 'identity');
      const file = { '/index.html': TEXT, '/noise.bin': NOISE, '/empty.txt': '' }[asset.key];
      expect(file, asset.key).toBeDefined();
      expect(hex(identity.sha256), asset.key).toBe(sha256Hex(file as string | Uint8Array));
      for (const encoding of asset.encodings) {
        const bytes = await encoding.read();
        expect(hex(encoding.sha256), `${asset.key} ${encoding.name}`).toBe(sha256Hex(bytes));
        expect(encoding.length, `${asset.key} ${encoding.name}`).toBe(bytes.length);
      }
    }
  });

  it('reads gzip and brotli encodings that decompress to the file', async () => {
    await writeSite(dir.path, { 'app.js': TEXT });
    const [asset] = await scan();
    const text = Buffer.from(TEXT);
    expect(Buffer.from(await encodingOf(asset as LocalAsset, 'identity').read())).toEqual(text);
    expect(gunzipSync(await encodingOf(asset as LocalAsset, 'gzip').read())).toEqual(text);
    expect(brotliDecompressSync(await encodingOf(asset as LocalAsset, 'br').read())).toEqual(text);
  });

  it('does not compress again on a second scan with the same cache, and the cached hashes match', async () => {
    await writeSite(dir.path, {
      'index.html': TEXT,
      'app.js': `${TEXT}// script`,
      'tiny.txt': 'a',
      'logo.png': NOISE,
    });
    const recording = recordingCache();
    const first = await scanSite(dir.path, { cache: recording.cache });
    // index.html and app.js: gzip + br each; tiny.txt: both tried (and dropped); png: none.
    expect(recording.sets).toHaveLength(6);
    recording.sets.length = 0;
    recording.gets.length = 0;
    const second = await scanSite(dir.path, { cache: recording.cache });
    expect(recording.sets).toEqual([]);
    expect(recording.gets).toHaveLength(6);
    const summary = (assets: LocalAsset[]) =>
      assets.map((asset) => ({
        key: asset.key,
        encodings: asset.encodings.map((e) => [e.name, hex(e.sha256), e.length]),
      }));
    expect(summary(second)).toEqual(summary(first));
    // Bytes for an encoding taken from the cache are compressed on demand, to the same hash.
    for (const asset of second) {
      for (const encoding of asset.encodings) {
        expect(sha256Hex(await encoding.read()), `${asset.key} ${encoding.name}`).toBe(
          hex(encoding.sha256),
        );
      }
    }
  });

  it('takes compressed hashes and lengths from the cache without compressing', async () => {
    await writeSite(dir.path, { 'index.html': TEXT });
    const identity = sha256Hex(TEXT);
    const planted: CachedEncoding = { sha256: 'ab'.repeat(32), length: 7 };
    const tooBig: CachedEncoding = { sha256: 'cd'.repeat(32), length: TEXT.length };
    const recording = recordingCache();
    recording.cache.set(identity, 'gzip', planted);
    recording.cache.set(identity, 'br', tooBig);
    recording.sets.length = 0;
    const [asset] = await scanSite(dir.path, { cache: recording.cache });
    expect(recording.sets).toEqual([]);
    // The planted gzip entry is believed; the br entry no smaller than the file is dropped.
    expect(names(asset as LocalAsset)).toEqual(['identity', 'gzip']);
    const gzip = encodingOf(asset as LocalAsset, 'gzip');
    expect(hex(gzip.sha256)).toBe(planted.sha256);
    expect(gzip.length).toBe(7);
  });

  it('reports progress once per file, ending at the total', async () => {
    await writeSite(dir.path, { 'a.txt': 'a', 'b.txt': 'b', 'c/d.txt': 'd' });
    const calls: [number, number][] = [];
    await scanSite(dir.path, {
      cache: createMemoryEncodingCache(),
      concurrency: 2,
      onFile: (done, total) => calls.push([done, total]),
    });
    expect(calls).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });

  it('is empty for a site with no files', async () => {
    expect(await scan()).toEqual([]);
  });
});

describe('mapConcurrently', () => {
  it('keeps the order of the items whatever order the work finishes in', async () => {
    const delays = [30, 5, 20, 0, 10, 1, 25];
    const results = await mapConcurrently(delays, 3, async (ms, index) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return `${index}:${ms}`;
    });
    expect(results).toEqual(delays.map((ms, index) => `${index}:${ms}`));
  });

  it('never runs more than `concurrency` at once, and uses that many', async () => {
    let inFlight = 0;
    let peak = 0;
    const items = Array.from({ length: 20 }, (_, i) => i);
    await mapConcurrently(items, 4, async (item) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, item % 3));
      inFlight -= 1;
      return item;
    });
    expect(peak).toBe(4);
  });

  it('runs each item exactly once, with fewer items than workers too', async () => {
    const seen: number[] = [];
    const results = await mapConcurrently([1, 2], 8, async (item) => {
      seen.push(item);
      return item * 10;
    });
    expect(results).toEqual([10, 20]);
    expect(seen.sort()).toEqual([1, 2]);
    expect(await mapConcurrently([], 4, async () => 1)).toEqual([]);
  });

  it('rejects with the error of a failing item', async () => {
    await expect(
      mapConcurrently([1, 2, 3], 2, async (item) => {
        if (item === 2) {
          throw new Error('item 2 failed');
        }
        return item;
      }),
    ).rejects.toThrow('item 2 failed');
  });
});
