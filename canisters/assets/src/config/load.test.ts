import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CitadelError } from '@citadel/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AssetsConfigErrorCode } from './errors.js';
import { loadAssetConfig } from './load.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'citadel-asset-config-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Writes files under the temporary root, creating directories. */
async function writeTree(files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

async function loadFailure(path = root): Promise<CitadelError> {
  try {
    await loadAssetConfig(path);
  } catch (error) {
    if (error instanceof CitadelError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the load to fail');
}

describe('loadAssetConfig', () => {
  it('reads .ic-assets.json and .ic-assets.json5 in nested and dot directories', async () => {
    await writeTree({
      '.ic-assets.json5': '[{ match: "**/*", cache: { max_age: 10 } }, // all\n]',
      'nested/.ic-assets.json': '[{ "match": "*", "cache": { "max_age": 20 } }]',
      '.well-known/.ic-assets.json5':
        '[{ match: "*", headers: { "Access-Control-Allow-Origin": "*" } }]',
      'nested/deep/file.txt': 'x',
    });
    const resolver = await loadAssetConfig(root);
    expect(resolver.root).toBe(await realpath(root));
    expect(resolver.files.map(({ dir, file }) => [dir, file])).toEqual([
      ['', join(resolver.root, '.ic-assets.json5')],
      ['.well-known', join(resolver.root, '.well-known/.ic-assets.json5')],
      ['nested', join(resolver.root, 'nested/.ic-assets.json')],
    ]);
    expect(resolver.resolve('index.html').maxAge).toBe(10n);
    expect(resolver.resolve('nested/deep/file.txt').maxAge).toBe(20n);
    expect(resolver.resolve('.well-known/ic-domains').headers).toEqual([
      ['Access-Control-Allow-Origin', '*'],
    ]);
  });

  it('matches absolute globs against the real path of the root', async () => {
    const real = await realpath(root);
    await writeTree({ '.ic-assets.json5': `[{ match: "${real}/js/*", cache: { max_age: 1 } }]` });
    await symlink(root, `${root}-link`);
    try {
      const resolver = await loadAssetConfig(`${root}-link`);
      expect(resolver.root).toBe(real);
      expect(resolver.resolve('js/app.js').maxAge).toBe(1n);
    } finally {
      await rm(`${root}-link`);
    }
  });

  it('refuses a directory with both config files', async () => {
    await writeTree({ 'a/.ic-assets.json': '[]', 'a/.ic-assets.json5': '[]' });
    const error = await loadFailure();
    expect(error.code).toBe(AssetsConfigErrorCode.MULTIPLE_FILES);
    expect(error.kind).toBe('input');
    expect(error.details.dir).toBe('a');
  });

  it('names the file and position of a malformed config', async () => {
    await writeTree({ 'css/.ic-assets.json5': '[\n  { match: "*", cache: { max_age: 1 } }\n  {' });
    const error = await loadFailure();
    expect(error.code).toBe(AssetsConfigErrorCode.JSON5_SYNTAX);
    const file = join(await realpath(root), 'css/.ic-assets.json5');
    expect(error.details).toMatchObject({ file, line: 3, column: 3 });
    expect(error.message.startsWith(`${file}:3:3: `)).toBe(true);
  });

  it('names the file of a rule with an unknown field', async () => {
    await writeTree({ '.ic-assets.json': '[{ "match": "*", "max_age": 1 }]' });
    const error = await loadFailure();
    expect(error.code).toBe(AssetsConfigErrorCode.UNKNOWN_FIELD);
    expect(error.details).toMatchObject({ line: 1, column: 18, field: 'max_age' });
  });

  it('does not look for configs through symbolic links to directories', async () => {
    await mkdir(`${root}-outside`);
    try {
      await writeFile(`${root}-outside/.ic-assets.json5`, 'not json5');
      await symlink(`${root}-outside`, join(root, 'linked'));
      const resolver = await loadAssetConfig(root);
      expect(resolver.files).toEqual([]);
    } finally {
      await rm(`${root}-outside`, { recursive: true });
    }
  });

  it('follows a config file that is a symbolic link and skips a dangling one', async () => {
    await writeTree({ 'real.json5': '[{ match: "*", cache: { max_age: 7 } }]' });
    await mkdir(join(root, 'a'));
    await symlink(join(root, 'real.json5'), join(root, 'a/.ic-assets.json5'));
    await mkdir(join(root, 'b'));
    await symlink(join(root, 'missing.json5'), join(root, 'b/.ic-assets.json5'));
    const resolver = await loadAssetConfig(root);
    expect(resolver.files.map(({ dir }) => dir)).toEqual(['a']);
    expect(resolver.resolve('a/x').maxAge).toBe(7n);
  });

  it('refuses a config that is not UTF-8', async () => {
    await writeTree({ '.ic-assets.json5': new Uint8Array([0x5b, 0xff, 0x5d]) });
    const error = await loadFailure();
    expect(error.code).toBe(AssetsConfigErrorCode.READ_FAILED);
    expect(error.details.operation).toBe('decode');
  });

  it('reports a missing root as a read failure with the system code', async () => {
    const error = await loadFailure(join(root, 'missing'));
    expect(error.code).toBe(AssetsConfigErrorCode.READ_FAILED);
    expect(error.kind).toBe('transport');
    expect(error.details.systemCode).toBe('ENOENT');
  });
});
