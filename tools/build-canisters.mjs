#!/usr/bin/env node
/**
 * Builds every canister with Azle: `node tools/build-canisters.mjs` (the root
 * `build:canisters` script).
 *
 * Canisters are the folders with a `src/index.ts` under `canisters/` (the product's canisters,
 * output to `canisters/<name>/dist/`) and under `infra/replica/test-canisters/` (the replica's
 * test canisters, output to `infra/replica/test-canisters/dist/`). Each one's sources are copied
 * into a scratch directory `.azle/build/<name>` next to them (ignored by git, Prettier and
 * ESLint) together with a generated `dfx.json` and `tsconfig.json`, so that no generated file
 * lands in the tree and esbuild sees a tsconfig without `experimentalDecorators` (Azle 0.33
 * uses TC39 decorators). Workspace packages they import resolve to their built `dist/`, so run
 * `npm run build` first (`npm test` does), except those whose exports are TypeScript sources,
 * which esbuild bundles as they are: the folders under `canisters/` without a `src/index.ts`
 * (`canisters/azle-text`). Their sources count in the hash of each canister beside them.
 *
 * Outputs, read by tests and tools by path: `<name>.wasm`, `<name>.wasm.gz` (gzip -9) and
 * `<name>.did`. A build is skipped when the hash of the canister's sources (and of the source
 * packages beside it), this script and the Azle version matches `<name>.stamp`.
 *
 * Usage: build-canisters.mjs [--force] [name...]
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Where canisters live, and where each one's outputs go. */
const LOCATIONS = [
  { folder: join(ROOT, 'canisters'), dist: (name) => join(ROOT, 'canisters', name, 'dist') },
  {
    folder: join(ROOT, 'infra', 'replica', 'test-canisters'),
    dist: () => join(ROOT, 'infra', 'replica', 'test-canisters', 'dist'),
  },
];
/** Folders that are never canisters. */
const NOT_CANISTERS = new Set(['dist', 'node_modules']);

/** Thrown for failures that should end the script with a message and no stack trace. */
class BuildError extends Error {}

/** The tsconfig esbuild applies to the copied sources: standard decorators, ES2024. */
const TSCONFIG = {
  compilerOptions: {
    strict: true,
    target: 'ES2024',
    module: 'ES2022',
    moduleResolution: 'bundler',
    noEmit: true,
    skipLibCheck: true,
  },
  include: ['src'],
};

function dfxJson(name) {
  return {
    canisters: { [name]: { type: 'azle', main: 'src/index.ts', candid_gen: 'automatic' } },
  };
}

/** Azle's version, read from its package.json (which its `exports` map does not expose). */
async function azleVersion() {
  const require = createRequire(import.meta.url);
  let dir;
  try {
    dir = dirname(require.resolve('azle'));
  } catch (error) {
    throw new BuildError(`azle is not installed (run \`npm ci\` at the repository root): ${error}`);
  }
  for (; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name, version } = JSON.parse(await readFile(manifest, 'utf8'));
      if (name === 'azle') {
        return version;
      }
    }
  }
  throw new BuildError('could not find the package.json of the installed azle');
}

/**
 * Every canister: its name, source folder, output folder, scratch folder, and the source
 * packages beside it (folders with a `src/` but no `src/index.ts`, bundled from source).
 */
async function findCanisters() {
  const canisters = [];
  for (const location of LOCATIONS) {
    if (!existsSync(location.folder)) {
      continue;
    }
    const entries = await readdir(location.folder, { withFileTypes: true });
    const folders = entries
      .filter(
        (entry) =>
          entry.isDirectory() && !entry.name.startsWith('.') && !NOT_CANISTERS.has(entry.name),
      )
      .map((entry) => ({ name: entry.name, source: join(location.folder, entry.name) }));
    const isCanister = ({ source }) => existsSync(join(source, 'src', 'index.ts'));
    const packages = folders
      .filter((folder) => !isCanister(folder) && existsSync(join(folder.source, 'src')))
      .map((folder) => folder.source);
    for (const { name, source } of folders.filter(isCanister)) {
      canisters.push({
        name,
        source,
        packages,
        dist: location.dist(name),
        scratch: join(location.folder, '.azle', 'build', name),
      });
    }
  }
  return canisters.sort((a, b) => a.name.localeCompare(b.name));
}

async function listFiles(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}

/** Whether a file under a canister's `src/` goes into the canister (tests and their support do not). */
function isCanisterSource(path) {
  return !path.endsWith('.test.ts') && !path.split(/[\\/]/).includes('testing');
}

/** Hash of everything that determines a canister's outputs. */
async function sourceHash(canister, version) {
  const hash = createHash('sha256');
  hash.update(`azle ${version}\0`);
  hash.update(await readFile(fileURLToPath(import.meta.url)));
  for (const folder of [canister.source, ...canister.packages]) {
    for (const file of (await listFiles(join(folder, 'src'))).filter(isCanisterSource)) {
      hash.update(`\0${relative(canister.source, file)}\0`);
      hash.update(await readFile(file));
    }
  }
  return hash.digest('hex');
}

async function readStamp({ name, dist }) {
  const stamp = join(dist, `${name}.stamp`);
  return existsSync(stamp) ? (await readFile(stamp, 'utf8')).trim() : null;
}

function outputsExist({ name, dist }) {
  return ['wasm', 'wasm.gz', 'did'].every((ext) => existsSync(join(dist, `${name}.${ext}`)));
}

/** Runs a command, capturing its output; rejects with that output when it fails. */
function run(command, args, { cwd, env = process.env, label }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // npx is a .cmd script on Windows, which Node only starts through a shell.
      shell: process.platform === 'win32',
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) =>
      reject(new BuildError(`could not run ${label}: ${error.message}`)),
    );
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolve(output);
        return;
      }
      const status = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(new BuildError(`${label} ${status}:\n${output.trimEnd()}`));
    });
  });
}

/** Type-checks the copied sources: esbuild (inside Azle) strips types without checking them. */
async function typecheck(name, workDir) {
  const require = createRequire(import.meta.url);
  const tsc = join(dirname(require.resolve('typescript')), '..', 'bin', 'tsc');
  await run(process.execPath, [tsc, '-p', join(workDir, 'tsconfig.json')], {
    cwd: workDir,
    label: `type-checking ${name}`,
  });
}

/** Runs `npx azle build <name>` in the scratch directory. */
async function runAzle(name, workDir) {
  await run('npx', ['--no', 'azle', 'build', name], {
    cwd: workDir,
    env: {
      ...process.env,
      // npx runs from the enclosing workspace root, so point Azle at the dfx.json explicitly.
      AZLE_DFX_ROOT: workDir,
      CANISTER_CANDID_PATH: join(workDir, `${name}.did`),
    },
    label: `azle build ${name}`,
  });
}

function mib(bytes) {
  return `${(bytes / (1024 * 1024)).toFixed(2)} MiB`;
}

async function buildCanister(canister, hash) {
  const { name, dist: DIST } = canister;
  const workDir = canister.scratch;
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  await cp(join(canister.source, 'src'), join(workDir, 'src'), {
    recursive: true,
    filter: isCanisterSource,
  });
  await writeFile(join(workDir, 'dfx.json'), `${JSON.stringify(dfxJson(name), null, 2)}\n`);
  await writeFile(join(workDir, 'tsconfig.json'), `${JSON.stringify(TSCONFIG, null, 2)}\n`);

  await typecheck(name, workDir);
  await runAzle(name, workDir);

  const wasmPath = join(workDir, '.azle', name, `${name}.wasm`);
  const didPath = join(workDir, `${name}.did`);
  for (const path of [wasmPath, didPath]) {
    if (!existsSync(path)) {
      throw new BuildError(`azle build ${name} succeeded but did not write ${path}`);
    }
  }
  const wasm = new Uint8Array(await readFile(wasmPath));
  const gzipped = gzipSync(wasm, { level: 9 });
  await mkdir(DIST, { recursive: true });
  await writeFile(join(DIST, `${name}.wasm`), wasm);
  await writeFile(join(DIST, `${name}.wasm.gz`), gzipped);
  await writeFile(join(DIST, `${name}.did`), await readFile(didPath));
  // The stamp goes last: a build interrupted before this point is redone next time.
  await writeFile(join(DIST, `${name}.stamp`), `${hash}\n`);
  return { wasmBytes: wasm.length, gzBytes: gzipped.length };
}

async function main() {
  const { values, positionals } = parseArgs({
    options: { force: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  const version = await azleVersion();
  const available = await findCanisters();
  const names = available.map((canister) => canister.name);
  const unknown = positionals.filter((name) => !names.includes(name));
  if (unknown.length > 0) {
    throw new BuildError(
      `no canister named ${unknown.join(', ')} (available: ${names.join(', ') || 'none'})`,
    );
  }
  const chosen =
    positionals.length > 0
      ? available.filter((canister) => positionals.includes(canister.name))
      : available;
  for (const canister of chosen) {
    const { name } = canister;
    const started = performance.now();
    const hash = await sourceHash(canister, version);
    if (!values.force && outputsExist(canister) && (await readStamp(canister)) === hash) {
      console.log(`${name.padEnd(12)} up to date (azle ${version})`);
      continue;
    }
    const { wasmBytes, gzBytes } = await buildCanister(canister, hash);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `${name.padEnd(12)} built in ${seconds} s: wasm ${mib(wasmBytes)}, gz ${mib(gzBytes)} (azle ${version})`,
    );
  }
}

main().catch((error) => {
  const message = error instanceof BuildError ? error.message : (error?.stack ?? String(error));
  console.error(`build-canisters: ${message}`);
  process.exitCode = 1;
});
