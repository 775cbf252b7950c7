import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isCitadelError } from '@citadel/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildBackendCanister, outputTail } from './build-backend.js';

/**
 * `buildBackendCanister` against a fake Azle (and a fake tsx to run it) installed in a
 * temporary project: the real type-check runs, the "Azle build" writes a tiny Wasm and `.did`
 * or fails as the project's `fake-azle.json` says. The real Azle is exercised by
 * build-backend.integration.test.ts.
 */

const WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
const CANDID = 'service : { greet : (text) -> (text) query }\n';

/** The fake `azle build <name>`: reads its instructions from the project, logs, writes outputs. */
const FAKE_AZLE = `
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const name = process.argv.at(-1);
const scratch = process.env.AZLE_DFX_ROOT;
const project = join(scratch, '..', '..', '..');
const mode = JSON.parse(readFileSync(join(project, 'fake-azle.json'), 'utf8'));
writeFileSync(join(project, 'azle-ran'), JSON.stringify({
  argv: process.argv.slice(2),
  cwd: process.cwd(),
  candidPath: process.env.CANISTER_CANDID_PATH,
  dfx: JSON.parse(readFileSync(join(scratch, 'dfx.json'), 'utf8')),
  sources: readdirSync(join(scratch, 'src'), { recursive: true }).sort(),
}));
for (let line = 1; line <= (mode.lines ?? 1); line += 1) {
  console.log('azle output line ' + line);
}
if (mode.fail) {
  console.error('Azle BuildError: ' + mode.fail);
  process.exit(1);
}
if (!mode.noWasm) {
  mkdirSync(join(scratch, '.azle', name), { recursive: true });
  writeFileSync(join(scratch, '.azle', name, name + '.wasm'), Buffer.from(mode.wasm));
}
writeFileSync(process.env.CANISTER_CANDID_PATH, mode.candid);
`;

/** The fake `tsx <file> …`: runs the file. */
const FAKE_TSX = `
import { pathToFileURL } from 'node:url';
await import(pathToFileURL(process.argv[2]).href);
`;

interface FakeAzleMode {
  readonly wasm?: number[];
  readonly candid?: string;
  readonly lines?: number;
  readonly fail?: string;
  readonly noWasm?: boolean;
}

let project: string;

async function write(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

async function installFakeAzle(version = '0.33.0'): Promise<void> {
  const azle = join(project, 'node_modules', 'azle');
  await write(
    join(azle, 'package.json'),
    JSON.stringify({
      name: 'azle',
      version,
      type: 'module',
      bin: { azle: './src/build.mjs' },
      exports: { '.': './src/index.js' },
    }),
  );
  await write(join(azle, 'src', 'index.js'), 'export {};\n');
  await write(join(azle, 'src', 'build.mjs'), FAKE_AZLE);
  const tsx = join(project, 'node_modules', 'tsx');
  await write(
    join(tsx, 'package.json'),
    JSON.stringify({ name: 'tsx', type: 'module', exports: { './cli': './cli.mjs' } }),
  );
  await write(join(tsx, 'cli.mjs'), FAKE_TSX);
}

async function setMode(mode: FakeAzleMode): Promise<void> {
  await writeFile(
    join(project, 'fake-azle.json'),
    JSON.stringify({ wasm: [...WASM], candid: CANDID, ...mode }),
  );
}

async function azleRan(): Promise<{
  argv: string[];
  candidPath: string;
  dfx: unknown;
  sources: string[];
} | null> {
  const marker = join(project, 'azle-ran');
  if (!existsSync(marker)) {
    return null;
  }
  const ran = JSON.parse(await readFile(marker, 'utf8'));
  await rm(marker);
  return ran;
}

function build(options: { main?: string; name?: string; force?: boolean } = {}) {
  return buildBackendCanister({
    projectRoot: project,
    name: options.name ?? 'backend',
    main: options.main ?? 'canisters/backend/src/index.ts',
    outDir: join(project, 'out'),
    ...(options.force ? { force: true } : {}),
  });
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => {
      throw new Error('the build succeeded');
    },
    (caught: unknown) => caught,
  );
  if (!isCitadelError(error)) {
    throw error;
  }
  return { code: error.code, message: error.message };
}

beforeEach(async () => {
  project = await mkdtemp(join(tmpdir(), 'citadel-backend-'));
  await write(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true }));
  await write(
    join(project, 'canisters', 'backend', 'src', 'index.ts'),
    "import { greeting } from './greeting';\nexport const hello: string = greeting('world');\n",
  );
  await write(
    join(project, 'canisters', 'backend', 'src', 'greeting.ts'),
    'export function greeting(name: string): string {\n  return `Hello, ${name}!`;\n}\n',
  );
  await write(
    join(project, 'canisters', 'backend', 'src', 'greeting.test.ts'),
    "import { nothing } from 'a-test-framework-that-is-not-installed';\nnothing();\n",
  );
  await write(
    join(project, 'canisters', 'backend', 'src', 'lib', 'util.ts'),
    'export const x = 1;\n',
  );
});

afterEach(async () => {
  await rm(project, { recursive: true, force: true });
});

describe('buildBackendCanister', () => {
  it('asks for azle 0.33 when the project has none', async () => {
    const error = await failure(build());
    expect(error.code).toBe('CLI_BACKEND_AZLE_MISSING');
    expect(error.message).toContain('npm install --save-dev azle@0.33');
    expect(error.message).toContain(project);
  });

  it('asks for azle 0.33 when the project has another version', async () => {
    await installFakeAzle('0.34.1');
    const error = await failure(build());
    expect(error.code).toBe('CLI_BACKEND_AZLE_MISSING');
    expect(error.message).toContain('The project has azle 0.34.1; citadel builds with azle 0.33');
    expect(error.message).toContain('npm install --save-dev azle@0.33');
  });

  it('reports a missing main file', async () => {
    await installFakeAzle();
    const error = await failure(build({ main: 'canisters/nope/src/index.ts' }));
    expect(error.code).toBe('CLI_BACKEND_MAIN_NOT_FOUND');
    expect(error.message).toContain('canisters/nope/src/index.ts');
  });

  it('refuses a canister name that could escape the build folders', async () => {
    const error = await failure(build({ name: '../backend' }));
    expect(error.code).toBe('CLI_PROJECT_CONFIG_INVALID');
  });

  it('builds in .citadel/build/<name> and writes <name>.wasm.gz (gzip -9 of the Wasm) and <name>.did', async () => {
    await installFakeAzle();
    await setMode({ lines: 3 });
    const output: string[] = [];
    const result = await buildBackendCanister({
      projectRoot: project,
      name: 'backend',
      main: 'canisters/backend/src/index.ts',
      outDir: join(project, 'out'),
      onOutput: (text) => output.push(text),
    });
    expect(result).toEqual({
      wasmGzPath: join(project, 'out', 'backend.wasm.gz'),
      wasmBytes: WASM.length,
      wasmGzBytes: expect.any(Number),
      candidPath: join(project, 'out', 'backend.did'),
      candid: CANDID,
      built: true,
      azleVersion: '0.33.0',
    });
    const gz = await readFile(result.wasmGzPath);
    expect([...gz.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    expect(new Uint8Array(gunzipSync(gz))).toEqual(WASM);
    expect(gz.length).toBe(result.wasmGzBytes);
    expect(await readFile(result.candidPath, 'utf8')).toBe(CANDID);
    expect((await readdir(join(project, 'out'))).sort()).toEqual([
      'backend.did',
      'backend.stamp',
      'backend.wasm.gz',
    ]);
    expect(output.join('')).toContain('azle output line 3');

    const scratch = join(project, '.citadel', 'build', 'backend');
    const ran = await azleRan();
    expect(ran?.argv.slice(-2)).toEqual(['build', 'backend']);
    expect(ran?.candidPath).toBe(join(scratch, 'backend.did'));
    expect(ran?.dfx).toEqual({
      canisters: {
        backend: { type: 'azle', main: 'src/index.ts', candid_gen: 'automatic' },
      },
    });
    // The canister's folder is copied without its tests.
    expect(ran?.sources).toEqual(['greeting.ts', 'index.ts', 'lib', join('lib', 'util.ts')]);
    expect(JSON.parse(await readFile(join(scratch, 'tsconfig.json'), 'utf8'))).toMatchObject({
      compilerOptions: { strict: true, target: 'ES2024', moduleResolution: 'bundler' },
      include: ['src'],
    });
    expect(await readFile(join(project, '.citadel', 'build', '.gitignore'), 'utf8')).toBe('*\n');
  }, 30_000);

  it('skips the build while the sources and Azle are unchanged, and redoes it when they change', async () => {
    await installFakeAzle();
    await setMode({});
    expect((await build()).built).toBe(true);
    await azleRan();

    const again = await build();
    expect(again).toMatchObject({ built: false, wasmBytes: WASM.length, candid: CANDID });
    expect(await azleRan()).toBeNull();

    // Tests are not part of the canister: changing one changes nothing.
    await writeFile(
      join(project, 'canisters', 'backend', 'src', 'greeting.test.ts'),
      '// changed\n',
    );
    expect((await build()).built).toBe(false);

    await writeFile(
      join(project, 'canisters', 'backend', 'src', 'lib', 'util.ts'),
      'export const x = 2;\n',
    );
    expect((await build()).built).toBe(true);
    expect(await azleRan()).not.toBeNull();

    expect((await build({ force: true })).built).toBe(true);

    // Deleted outputs are rebuilt even though the stamp matches.
    await rm(join(project, 'out', 'backend.did'));
    expect((await build()).built).toBe(true);
  }, 60_000);

  it('fails with CLI_BACKEND_TYPECHECK_FAILED naming the project file, before running Azle', async () => {
    await installFakeAzle();
    await setMode({});
    await writeFile(
      join(project, 'canisters', 'backend', 'src', 'greeting.ts'),
      'export function greeting(name: string): number {\n  return name;\n}\n',
    );
    const error = await failure(build());
    expect(error.code).toBe('CLI_BACKEND_TYPECHECK_FAILED');
    expect(error.message).toContain('Canister backend does not type-check');
    expect(error.message).toMatch(
      /^canisters\/backend\/src\/greeting\.ts\(2,3\): error TS2322: Type 'string' is not assignable to type 'number'\.$/m,
    );
    expect(await azleRan()).toBeNull();
    expect(existsSync(join(project, 'out', 'backend.stamp'))).toBe(false);
  }, 30_000);

  it('fails with CLI_BACKEND_BUILD_FAILED and the tail of Azle’s output when Azle fails', async () => {
    await installFakeAzle();
    await setMode({ lines: 100, fail: 'something broke' });
    const error = await failure(build());
    expect(error.code).toBe('CLI_BACKEND_BUILD_FAILED');
    expect(error.message).toContain('Azle 0.33.0 could not build canister backend (exit code 1)');
    expect(error.message).toContain('Azle BuildError: something broke');
    expect(error.message).toContain('azle output line 100');
    expect(error.message).not.toContain('azle output line 50\n');
    expect(error.message).toContain('(61 earlier lines)');
  }, 30_000);

  it('fails with CLI_BACKEND_BUILD_FAILED when Azle succeeds without writing the Wasm', async () => {
    await installFakeAzle();
    await setMode({ noWasm: true });
    const error = await failure(build());
    expect(error.code).toBe('CLI_BACKEND_BUILD_FAILED');
    expect(error.message).toMatch(
      /reported success for canister backend but did not write .*backend\.wasm/,
    );
  }, 30_000);
});

describe('outputTail', () => {
  it('keeps the last lines and says how many were left out', () => {
    const output = Array.from({ length: 5 }, (_, index) => `line ${index + 1}`).join('\n');
    expect(outputTail(output, 2)).toBe('… (3 earlier lines)\nline 4\nline 5');
    expect(outputTail('one\ntwo\n', 5)).toBe('one\ntwo');
  });
});
