import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDirFiles, findProjectRoot, resolveDataDir } from './data-dir.js';

const root = resolve('/work/project');
const existing = (...paths: string[]) => {
  const set = new Set(paths);
  return (path: string) => set.has(path);
};

describe('findProjectRoot', () => {
  it('is the nearest ancestor with a package.json', () => {
    const exists = existing(join(root, 'package.json'), join(root, 'apps', 'web', 'package.json'));
    expect(findProjectRoot(join(root, 'apps', 'web', 'src'), exists)).toBe(
      join(root, 'apps', 'web'),
    );
    expect(findProjectRoot(join(root, 'docs'), exists)).toBe(root);
  });

  it('is the working directory when no ancestor has a package.json', () => {
    expect(findProjectRoot(join(root, 'a', 'b'), existing())).toBe(join(root, 'a', 'b'));
  });
});

describe('resolveDataDir', () => {
  it('defaults to .citadel/network under the project root', () => {
    const exists = existing(join(root, 'package.json'));
    expect(resolveDataDir(undefined, join(root, 'src'), exists)).toBe(
      join(root, '.citadel', 'network'),
    );
  });

  it('resolves --data-dir against the working directory, not the project root', () => {
    const exists = existing(join(root, 'package.json'));
    expect(resolveDataDir('state', join(root, 'src'), exists)).toBe(join(root, 'src', 'state'));
    expect(resolveDataDir(resolve('/var/citadel'), join(root, 'src'), exists)).toBe(
      resolve('/var/citadel'),
    );
  });
});

describe('dataDirFiles', () => {
  it('names network.json, network.lock and network.log in the data dir', () => {
    expect(dataDirFiles(root)).toEqual({
      network: join(root, 'network.json'),
      lock: join(root, 'network.lock'),
      log: join(root, 'network.log'),
    });
  });
});
