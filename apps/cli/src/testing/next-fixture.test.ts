import { readFile, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { crc32, inflateSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from './fakes.js';
import {
  FIXTURES_ROOT,
  REPO_ROOT,
  STOCK_NEXT_CONFIG,
  createNextFixtureApp,
  makePng,
  pseudoRandomBytes,
} from './next-fixture.js';

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

describe('createNextFixtureApp', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => dir.remove());

  it('writes a stock App Router app with no Citadel configuration', async () => {
    const app = await createNextFixtureApp(dir.path, { bigFileBytes: 1000 });
    expect(await listFiles(dir.path)).toEqual([...app.sourceFiles.keys()].sort());
    expect(await readFile(join(dir.path, 'next.config.ts'), 'utf8')).toBe(STOCK_NEXT_CONFIG);
    const pkg = JSON.parse(await readFile(join(dir.path, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['next', 'react', 'react-dom']);
    for (const [path, contents] of app.sourceFiles) {
      if (typeof contents === 'string') {
        expect(contents.toLowerCase(), path).not.toContain('citadel');
      }
    }
  });

  it('has nested, dynamic and not-found pages, and public files with awkward names', async () => {
    const app = await createNextFixtureApp(dir.path, { bigFileBytes: 10 });
    expect(app.postSlugs).toEqual(['hello-world', 'second-post', 'café']);
    expect(app.pages.map((page) => page.route)).toEqual([
      '/',
      '/docs/guides/setup',
      '/posts/hello-world',
      '/posts/second-post',
      '/posts/caf%C3%A9',
    ]);
    const files = await listFiles(dir.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'app/docs/guides/setup/page.tsx',
        'app/posts/[slug]/page.tsx',
        'app/not-found.tsx',
      ]),
    );
    expect(app.publicFiles).toEqual([
      'images/logo.png',
      'images/pixel.png',
      'files/résumé.txt',
      'files/read me.txt',
      'downloads/big.bin',
    ]);
    const post = await readFile(join(dir.path, 'app/posts/[slug]/page.tsx'), 'utf8');
    expect(post).toContain('export function generateStaticParams()');
  });

  it('writes a 5 MiB download by default, the same bytes every time', async () => {
    await createNextFixtureApp(dir.path);
    const big = await readFile(join(dir.path, 'public/downloads/big.bin'));
    expect(big.length).toBe(5 * 1024 * 1024);
    expect(Buffer.from(pseudoRandomBytes(big.length)).equals(big)).toBe(true);
    // Not a run of zeros or a short cycle: compresses like random data.
    expect(new Set(big.subarray(0, 4096)).size).toBeGreaterThan(250);
  });

  it('lives under the repository, in a folder git, eslint and prettier ignore', async () => {
    expect(FIXTURES_ROOT.startsWith(REPO_ROOT)).toBe(true);
    const ignored = relative(REPO_ROOT, FIXTURES_ROOT).split(sep)[0] ?? '';
    expect(await readFile(join(REPO_ROOT, '.gitignore'), 'utf8')).toContain(`${ignored}/`);
    expect(await readFile(join(REPO_ROOT, '.prettierignore'), 'utf8')).toContain(ignored);
    expect(await readFile(join(REPO_ROOT, 'eslint.config.js'), 'utf8')).toContain(
      `'**/${ignored}/**'`,
    );
  });
});

describe('makePng', () => {
  it('encodes a valid PNG: signature, IHDR, CRCs and pixel data', () => {
    const png = Buffer.from(makePng(3, 2, [1, 2, 3]));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10]));
    const chunks: { type: string; data: Buffer }[] = [];
    for (let at = 8; at < png.length;) {
      const length = png.readUInt32BE(at);
      const type = png.subarray(at + 4, at + 8).toString('latin1');
      const data = png.subarray(at + 8, at + 8 + length);
      expect(png.readUInt32BE(at + 8 + length)).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
      chunks.push({ type, data });
      at += 12 + length;
    }
    expect(chunks.map((chunk) => chunk.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const header = chunks[0]?.data ?? Buffer.alloc(0);
    expect([header.readUInt32BE(0), header.readUInt32BE(4), header[8], header[9]]).toEqual([
      3, 2, 8, 2,
    ]);
    const pixels = inflateSync(chunks[1]?.data ?? Buffer.alloc(0));
    expect([...pixels]).toEqual([0, 1, 2, 3, 1, 2, 3, 1, 2, 3, 0, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
  });
});
