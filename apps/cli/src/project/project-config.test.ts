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

  it('reads frontends in the order written, each a web project (root) or static files (dir)', async () => {
    await write(
      JSON.stringify({
        frontends: { web: { root: 'apps/web' }, docs: { dir: 'docs/site' }, home: { root: '.' } },
      }),
    );
    const config = await loadProjectConfig(dir.path);
    expect(config.frontends).toEqual([
      { name: 'web', root: 'apps/web' },
      { name: 'docs', dir: 'docs/site' },
      { name: 'home', root: '.' },
    ]);
    expect(config.canisters).toEqual([]);
    expect(config.domains.size).toBe(0);
  });

  it('reads backend canisters with their entry module and optional bindings directory', async () => {
    await write(
      JSON.stringify({
        canisters: {
          backend: {
            main: 'canisters/backend/src/index.ts',
            bindings: 'apps/web/src/declarations',
          },
          worker_2: { main: 'worker.ts' },
        },
      }),
    );
    expect((await loadProjectConfig(dir.path)).canisters).toEqual([
      {
        name: 'backend',
        main: 'canisters/backend/src/index.ts',
        bindings: 'apps/web/src/declarations',
      },
      { name: 'worker_2', main: 'worker.ts', bindings: undefined },
    ]);
  });

  it('is empty when every section is empty', async () => {
    await write('{ "frontends": {}, "canisters": {}, "domains": {} }');
    expect(await loadProjectConfig(dir.path)).toEqual({
      domains: new Map(),
      frontends: [],
      canisters: [],
    });
  });

  it('refuses paths outside the project: absolute, or leaving it with ..', async () => {
    for (const bad of [
      { frontends: { web: { root: '/srv/web' } } },
      { frontends: { web: { dir: '../elsewhere' } } },
      { frontends: { web: { dir: 'site/../../elsewhere' } } },
      { frontends: { web: { root: '..' } } },
      { frontends: { web: { root: '' } } },
      { frontends: { web: { root: 42 } } },
      { canisters: { backend: { main: '/abs/index.ts' } } },
      { canisters: { backend: { main: '../index.ts' } } },
      { canisters: { backend: { main: 'src/index.ts', bindings: '../declarations' } } },
      { canisters: { backend: { main: 'src/index.ts', bindings: '/tmp/declarations' } } },
      { canisters: { backend: {} } },
    ]) {
      await write(JSON.stringify(bad));
      expect(await code(), JSON.stringify(bad)).toBe(CliErrorCode.PROJECT_CONFIG_INVALID);
    }
  });

  it('accepts a path that only passes through .. inside the project', async () => {
    await write(JSON.stringify({ frontends: { web: { dir: 'a/../site' } } }));
    expect((await loadProjectConfig(dir.path)).frontends).toEqual([
      { name: 'web', dir: 'a/../site' },
    ]);
  });

  it('refuses canister and frontend names that are not lower-case labels', async () => {
    for (const name of ['Web', '1web', '-web', 'web site', 'web.app', '', 'a'.repeat(64)]) {
      for (const bad of [
        { frontends: { [name]: { root: 'web' } } },
        { canisters: { [name]: { main: 'index.ts' } } },
      ]) {
        await write(JSON.stringify(bad));
        expect(await code(), JSON.stringify(bad)).toBe(CliErrorCode.PROJECT_CONFIG_INVALID);
      }
    }
    await write(JSON.stringify({ frontends: { ['a'.repeat(63)]: { root: 'web' } } }));
    expect((await loadProjectConfig(dir.path)).frontends).toHaveLength(1);
  });

  it('refuses a frontend with both root and dir, neither, or another field', async () => {
    for (const bad of [
      { frontends: { web: { root: 'apps/web', dir: 'apps/web/out' } } },
      { frontends: { web: {} } },
      { frontends: { web: { path: 'apps/web' } } },
      { frontends: { web: { root: 'apps/web', build: 'npm run build' } } },
      { frontends: { web: 'apps/web' } },
      { frontends: ['web'] },
    ]) {
      await write(JSON.stringify(bad));
      expect(await code(), JSON.stringify(bad)).toBe(CliErrorCode.PROJECT_CONFIG_INVALID);
    }
  });

  it('refuses unknown fields of a canister, naming them', async () => {
    await write(JSON.stringify({ canisters: { backend: { main: 'index.ts', candid: 'x.did' } } }));
    await expect(loadProjectConfig(dir.path)).rejects.toThrow(/unknown fields: candid/);
    for (const bad of [{ canisters: { backend: 'index.ts' } }, { canisters: [] }]) {
      await write(JSON.stringify(bad));
      expect(await code(), JSON.stringify(bad)).toBe(CliErrorCode.PROJECT_CONFIG_INVALID);
    }
  });

  it('names the file in the error', async () => {
    await write('{ "frontend": {} }');
    await expect(loadProjectConfig(dir.path)).rejects.toMatchObject({
      details: { file: join(dir.path, 'citadel.json') },
      message: expect.stringContaining('unknown fields: frontend'),
    });
  });

  it('refuses a name used by a frontend and a canister, or two names one build variable would share', async () => {
    await write(
      JSON.stringify({
        frontends: { web: { root: 'apps/web' } },
        canisters: { web: { main: 'src/index.ts' } },
      }),
    );
    await expect(loadProjectConfig(dir.path)).rejects.toThrow(
      /names both a frontend and a canister/,
    );
    await write(
      JSON.stringify({
        frontends: { 'my-app': { dir: 'public' } },
        canisters: { my_app: { main: 'src/index.ts' } },
      }),
    );
    await expect(loadProjectConfig(dir.path)).rejects.toThrow(/CANISTER_ID_MY_APP/);
  });
});
