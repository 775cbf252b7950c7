import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliErrorCode } from '../errors.js';
import { makeTempDir } from '../testing/fakes.js';
import { loadProjectConfig } from './project-config.js';

describe('loadProjectConfig', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => dir.remove());

  const write = (content: string) => writeFile(join(dir.path, 'citadel.json'), content);
  const code = async () => {
    try {
      await loadProjectConfig(dir.path);
    } catch (error) {
      return (error as { code: string }).code;
    }
    throw new Error('expected the config to be refused');
  };

  it('is empty when the project has no citadel.json', async () => {
    expect((await loadProjectConfig(dir.path)).domains.size).toBe(0);
  });

  it('reads custom domains, lower-casing the names', async () => {
    await write('{ "domains": { "Shop.Example": "rwlgt-iiaaa-aaaaa-aaaaa-cai" } }');
    expect((await loadProjectConfig(dir.path)).domains).toEqual(
      new Map([['shop.example', 'rwlgt-iiaaa-aaaaa-aaaaa-cai']]),
    );
  });

  it('refuses malformed JSON, unknown fields and bad entries with one code', async () => {
    for (const bad of [
      '{ "domains": ',
      '[]',
      '{ "domain": {} }',
      '{ "domains": { "localhost": "rwlgt-iiaaa-aaaaa-aaaaa-cai" } }',
      '{ "domains": { "a.b": 42 } }',
    ]) {
      await write(bad);
      expect(await code(), bad).toBe(CliErrorCode.PROJECT_CONFIG_INVALID);
    }
  });
});
