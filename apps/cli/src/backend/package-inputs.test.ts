import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importedPackages, packageInputs, packageNameOf } from './package-inputs.js';

describe('packageNameOf', () => {
  it('names the package of a bare or scoped specifier without its subpath', () => {
    expect(packageNameOf('@citadel/azle-text/install')).toBe('@citadel/azle-text');
    expect(packageNameOf('lodash/fp')).toBe('lodash');
  });

  it('ignores Node built-ins and Azle, whose version the stamp already has', () => {
    expect(packageNameOf('node:fs')).toBeUndefined();
    expect(packageNameOf('fs')).toBeUndefined();
    expect(packageNameOf('azle')).toBeUndefined();
    expect(packageNameOf('azle/experimental')).toBeUndefined();
  });
});

describe('importedPackages', () => {
  it('finds static, side-effect, re-export, dynamic and require imports but not relative ones', () => {
    const source = [
      "import { a } from '@scope/one';",
      "import '@scope/two/install';",
      "export * from 'three';",
      "const four = await import('four/sub');",
      "const five = require('five');",
      "import { six } from './six.js';",
      "import type { Seven } from '../seven';",
    ].join('\n');
    expect([...importedPackages(source)].sort()).toEqual([
      '@scope/one',
      '@scope/two',
      'five',
      'four',
      'three',
    ]);
  });
});

describe('packageInputs', () => {
  let project: string;

  beforeEach(async () => {
    project = await mkdtemp(join(tmpdir(), 'citadel-package-inputs-'));
  });
  afterEach(async () => {
    await rm(project, { recursive: true, force: true });
  });

  async function write(path: string, text: string): Promise<string> {
    const file = join(project, path);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, text);
    return file;
  }

  it('names an installed package by its version and reads a linked one’s files, and what they import', async () => {
    const main = await write(
      'src/index.ts',
      "import 'installed';\nimport { x } from '@ws/linked';",
    );
    await write('node_modules/installed/package.json', '{"version":"1.2.3"}');
    await write('packages/linked/package.json', '{"name":"@ws/linked"}');
    await write('packages/linked/src/x.ts', "export { y } from 'deep';\nexport const x = 1;");
    await write('packages/linked/node_modules/ignored/index.js', 'never read');
    await write('node_modules/deep/package.json', '{"version":"4.0.0"}');
    await mkdir(join(project, 'node_modules/@ws'), { recursive: true });
    await symlink(join(project, 'packages/linked'), join(project, 'node_modules/@ws/linked'));

    const inputs = await packageInputs(project, [main]);
    expect(inputs.map((input) => input.name)).toEqual(['@ws/linked', 'deep', 'installed']);
    expect(inputs[1]?.fingerprint).toBe('deep@4.0.0');
    expect(inputs[2]?.fingerprint).toBe('installed@1.2.3');
    const linked = inputs[0]?.fingerprint;
    expect(Array.isArray(linked) && linked.map((file) => file.path)).toEqual([
      'package.json',
      'src/x.ts',
    ]);
  });

  it('changes when a linked package’s file changes, so the canister is rebuilt', async () => {
    const main = await write('src/index.ts', "import '@ws/linked';");
    await write('packages/linked/index.ts', 'export const a = 1;');
    await mkdir(join(project, 'node_modules/@ws'), { recursive: true });
    await symlink(join(project, 'packages/linked'), join(project, 'node_modules/@ws/linked'));
    const before = JSON.stringify(await packageInputs(project, [main]));
    await write('packages/linked/index.ts', 'export const a = 2;');
    expect(JSON.stringify(await packageInputs(project, [main]))).not.toBe(before);
  });

  it('leaves out a package that is not installed (the build reports it)', async () => {
    const main = await write('src/index.ts', "import 'missing';");
    expect(await packageInputs(project, [main])).toEqual([]);
  });
});
