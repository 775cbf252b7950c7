import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CliErrorCode, createCliError } from '../errors.js';
import type { CliErrorCodeValue } from '../errors.js';
import { assertCanisterName } from './canister-name.js';
import { type PackageInput, packageInputs } from './package-inputs.js';

/**
 * Builds one TypeScript backend canister of a project with Azle 0.33, the way
 * `tools/build-canisters.mjs` builds this repository's canisters:
 *
 * 1. The folder holding `main` (for `canisters/backend/src/index.ts`, `canisters/backend/src`)
 *    is copied into a scratch directory `<projectRoot>/.citadel/build/<name>/src`, without
 *    tests (`*.test.*`, `*.spec.*`), `node_modules` and dot-entries, next to a generated
 *    `dfx.json` and `tsconfig.json` (TC39 decorators, ES2024, strict): no generated file lands
 *    among the project's sources, and packages resolve from the project's `node_modules`.
 * 2. `tsc` type-checks the copy (the project's TypeScript, else the CLI's, else Azle's own):
 *    esbuild inside Azle strips types without checking them.
 * 3. The project's Azle (`npx azle build <name>`, run as `node tsx azle/src/build.ts`) builds
 *    the Wasm and the Candid interface.
 * 4. `<outDir>/<name>.wasm.gz` (gzip -9) and `<outDir>/<name>.did` are written, then the stamp
 *    `<outDir>/<name>.stamp`: the hash of the sources, the canister's name and entry, Azle's and
 *    TypeScript's versions, this recipe, and the packages the sources import (versions; a
 *    linked workspace package's files: see package-inputs.ts). A later build with the same hash
 *    is skipped.
 */

export interface BuildBackendOptions {
  /** The project's root: where citadel.json and node_modules (with azle) are. */
  readonly projectRoot: string;
  /** The canister's name in citadel.json. */
  readonly name: string;
  /** Its entry module, relative to the project root (or absolute). */
  readonly main: string;
  /** Where the `.wasm.gz`, `.did` and `.stamp` go. */
  readonly outDir: string;
  /** Receives the output of `tsc` and Azle as it comes. */
  readonly onOutput?: (text: string) => void;
  /** Builds even when the stamp matches. */
  readonly force?: boolean;
}

export interface BackendBuild {
  /** `<outDir>/<name>.wasm.gz`. */
  readonly wasmGzPath: string;
  /** Size of the Wasm module before gzip. */
  readonly wasmBytes: number;
  readonly wasmGzBytes: number;
  /** `<outDir>/<name>.did`. */
  readonly candidPath: string;
  /** The canister's Candid interface, as Azle generated it. */
  readonly candid: string;
  /** False when the stamp matched and the previous outputs were kept. */
  readonly built: boolean;
  /** The version of Azle that built (or would have built) the canister. */
  readonly azleVersion: string;
}

/** The Azle minor version the recipe (dfx.json, tsconfig, command line) is written for. */
export const SUPPORTED_AZLE = '0.33';
const INSTALL_AZLE = `npm install --save-dev azle@${SUPPORTED_AZLE}`;
/** Changes whenever what this file generates changes, to invalidate old stamps. */
const RECIPE = 'citadel backend build 1';
/** How much of a failed command's output an error carries. */
const TAIL_LINES = 40;

/** The tsconfig the copied sources are checked and bundled with (as in build-canisters.mjs). */
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

/** Builds the canister, or keeps its previous outputs when nothing that determines them changed. */
export async function buildBackendCanister(options: BuildBackendOptions): Promise<BackendBuild> {
  const { name, outDir } = options;
  assertCanisterName(name);
  const projectRoot = resolve(options.projectRoot);
  const mainPath = resolve(projectRoot, options.main);
  if (!(await isFile(mainPath))) {
    throw createCliError(
      CliErrorCode.BACKEND_MAIN_NOT_FOUND,
      `Canister ${name}: its main file ${options.main} does not exist (looked for ${mainPath}).`,
      { name, main: options.main, path: mainPath },
    );
  }
  const azle = await findAzle(projectRoot);
  const typescript = findTypeScript(projectRoot, azle.dir);
  const sourceDir = dirname(mainPath);
  const sources = await listSources(sourceDir);
  const hash = await sourceHash({
    name,
    entry: relative(sourceDir, mainPath),
    azleVersion: azle.version,
    typescriptVersion: typescript.version,
    sourceDir,
    sources,
    packages: await packageInputs(projectRoot, sources),
  });

  const wasmGzPath = join(outDir, `${name}.wasm.gz`);
  const candidPath = join(outDir, `${name}.did`);
  const stampPath = join(outDir, `${name}.stamp`);
  if (!options.force) {
    const previous = await readStamp(stampPath);
    if (previous?.hash === hash && (await isFile(wasmGzPath)) && (await isFile(candidPath))) {
      return {
        wasmGzPath,
        wasmBytes: previous.wasmBytes,
        wasmGzBytes: (await stat(wasmGzPath)).size,
        candidPath,
        candid: await readFile(candidPath, 'utf8'),
        built: false,
        azleVersion: azle.version,
      };
    }
  }

  const buildRoot = join(projectRoot, '.citadel', 'build');
  const scratch = join(buildRoot, name);
  await rm(scratch, { recursive: true, force: true });
  await mkdir(join(scratch, 'src'), { recursive: true });
  // The scratch tree is build output: keep it out of the project's version control.
  await writeFile(join(buildRoot, '.gitignore'), '*\n');
  for (const file of sources) {
    const target = join(scratch, 'src', relative(sourceDir, file));
    await mkdir(dirname(target), { recursive: true });
    await copyFile(file, target);
  }
  const entry = ['src', ...relative(sourceDir, mainPath).split(sep)].join('/');
  const dfxJson = { canisters: { [name]: { type: 'azle', main: entry, candid_gen: 'automatic' } } };
  await writeFile(join(scratch, 'dfx.json'), `${JSON.stringify(dfxJson, null, 2)}\n`);
  await writeFile(join(scratch, 'tsconfig.json'), `${JSON.stringify(TSCONFIG, null, 2)}\n`);

  const shownSourceDir = relative(projectRoot, sourceDir).split(sep).join('/') || '.';
  await run(
    process.execPath,
    [typescript.tsc, '-p', join(scratch, 'tsconfig.json'), '--pretty', 'false'],
    {
      cwd: scratch,
      onOutput: options.onOutput,
      code: CliErrorCode.BACKEND_TYPECHECK_FAILED,
      what: `Canister ${name} does not type-check`,
      // tsc names the copies (src/…): name the project's files instead.
      rewrite: (output) => output.replace(/^src\//gm, `${shownSourceDir}/`),
      details: { name },
    },
  );
  await run(process.execPath, [azle.tsx, azle.bin, 'build', name], {
    cwd: scratch,
    env: {
      ...process.env,
      AZLE_DFX_ROOT: scratch,
      CANISTER_CANDID_PATH: join(scratch, `${name}.did`),
    },
    onOutput: options.onOutput,
    code: CliErrorCode.BACKEND_BUILD_FAILED,
    what: `Azle ${azle.version} could not build canister ${name}`,
    details: { name, azleVersion: azle.version },
  });

  const builtWasm = join(scratch, '.azle', name, `${name}.wasm`);
  const builtCandid = join(scratch, `${name}.did`);
  for (const path of [builtWasm, builtCandid]) {
    if (!(await isFile(path))) {
      throw createCliError(
        CliErrorCode.BACKEND_BUILD_FAILED,
        `Azle ${azle.version} reported success for canister ${name} but did not write ${path}.`,
        { name, path },
      );
    }
  }
  const wasm = new Uint8Array(await readFile(builtWasm));
  const gzipped = gzipSync(wasm, { level: 9 });
  const candid = await readFile(builtCandid, 'utf8');
  await mkdir(outDir, { recursive: true });
  await rm(stampPath, { force: true });
  await writeFile(wasmGzPath, gzipped);
  await writeFile(candidPath, candid);
  // The stamp goes last: a build interrupted before this point is redone next time.
  await writeFile(stampPath, `${JSON.stringify({ hash, wasmBytes: wasm.length })}\n`);
  return {
    wasmGzPath,
    wasmBytes: wasm.length,
    wasmGzBytes: gzipped.length,
    candidPath,
    candid,
    built: true,
    azleVersion: azle.version,
  };
}

interface Azle {
  readonly version: string;
  /** Azle's package folder. */
  readonly dir: string;
  /** Its command (`bin.azle`, a TypeScript file run with tsx). */
  readonly bin: string;
  /** tsx's command-line entry, resolved from Azle. */
  readonly tsx: string;
}

/** The project's Azle: its version, command and the tsx that runs it. */
async function findAzle(projectRoot: string): Promise<Azle> {
  const missing = (reason: string, cause?: unknown) =>
    createCliError(
      CliErrorCode.BACKEND_AZLE_MISSING,
      `${reason}: run \`${INSTALL_AZLE}\` in ${projectRoot}.`,
      { projectRoot },
      cause === undefined ? undefined : { cause },
    );
  const require = createRequire(join(projectRoot, 'package.json'));
  let entry: string;
  try {
    entry = require.resolve('azle');
  } catch (error) {
    throw missing('The project has no azle to build its backend canisters with', error);
  }
  const manifest = await findManifest(dirname(entry), 'azle');
  if (!manifest) {
    throw missing(`Could not find the package.json of the azle at ${entry}`);
  }
  const { dir, json } = manifest;
  const version = typeof json.version === 'string' ? json.version : '';
  if (version !== SUPPORTED_AZLE && !version.startsWith(`${SUPPORTED_AZLE}.`)) {
    throw missing(
      `The project has azle ${version || '(no version)'}; citadel builds with azle ${SUPPORTED_AZLE}`,
    );
  }
  const binField = json.bin;
  const binPath =
    typeof binField === 'string'
      ? binField
      : typeof binField === 'object' && binField !== null
        ? (binField as Record<string, unknown>).azle
        : undefined;
  if (typeof binPath !== 'string' || !(await isFile(join(dir, binPath)))) {
    throw missing(`The azle at ${dir} has no azle command`);
  }
  let tsx: string;
  try {
    tsx = createRequire(join(dir, 'package.json')).resolve('tsx/cli');
  } catch (error) {
    throw missing(
      `The azle at ${dir} cannot find tsx, which runs its command (reinstall it)`,
      error,
    );
  }
  return { version, dir, bin: join(dir, binPath), tsx };
}

/** tsc: the project's TypeScript, else the CLI's, else the one Azle depends on. */
function findTypeScript(projectRoot: string, azleDir: string): { tsc: string; version: string } {
  const from = [join(projectRoot, 'package.json'), import.meta.url, join(azleDir, 'package.json')];
  for (const base of from) {
    try {
      const manifest = createRequire(base).resolve('typescript/package.json');
      const tsc = join(dirname(manifest), 'bin', 'tsc');
      if (existsSync(tsc)) {
        const json = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown };
        return { tsc, version: String(json.version) };
      }
    } catch {
      // Not from there: try the next.
    }
  }
  throw createCliError(
    CliErrorCode.BACKEND_AZLE_MISSING,
    `No TypeScript to type-check the backend with (azle depends on it): run \`${INSTALL_AZLE}\` in ${projectRoot}.`,
    { projectRoot },
  );
}

/** The nearest package.json named `name` at or above `dir`. */
async function findManifest(
  start: string,
  name: string,
): Promise<{ dir: string; json: Record<string, unknown> } | undefined> {
  for (let dir = start; ; dir = dirname(dir)) {
    const path = join(dir, 'package.json');
    if (await isFile(path)) {
      try {
        const json = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
        if (json.name === name) {
          return { dir, json };
        }
      } catch {
        // Not a manifest we can read: keep looking.
      }
    }
    if (dir === dirname(dir)) {
      return undefined;
    }
  }
}

/** Whether a file in the canister's folder is part of the canister (tests are not). */
function isCanisterSource(name: string): boolean {
  return !/\.(test|spec)\.[cm]?[jt]sx?$/.test(name);
}

/** Every file of the canister's folder, sorted, without tests, node_modules and dot-entries. */
async function listSources(dir: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') {
        continue;
      }
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        await walk(path);
      } else if (isCanisterSource(entry.name) && (entry.isFile() || (await isFile(path)))) {
        // A symbolic link to a file is copied as the file (links to folders are not followed).
        files.push(path);
      }
    }
  };
  await walk(dir);
  return files.sort();
}

async function sourceHash(input: {
  name: string;
  entry: string;
  azleVersion: string;
  typescriptVersion: string;
  sourceDir: string;
  sources: readonly string[];
  packages: readonly PackageInput[];
}): Promise<string> {
  const hash = createHash('sha256');
  hash.update(
    `${RECIPE}\0${input.name}\0${input.entry}\0azle ${input.azleVersion}\0typescript ${input.typescriptVersion}\0`,
  );
  for (const file of input.sources) {
    hash.update(`\0${relative(input.sourceDir, file).split(sep).join('/')}\0`);
    hash.update(await readFile(file));
  }
  for (const { name, fingerprint } of input.packages) {
    hash.update(`\0package ${name}\0`);
    if (typeof fingerprint === 'string') {
      hash.update(fingerprint);
      continue;
    }
    for (const { path, bytes } of fingerprint) {
      hash.update(`\0${path}\0`);
      hash.update(bytes);
    }
  }
  return hash.digest('hex');
}

async function readStamp(path: string): Promise<{ hash: string; wasmBytes: number } | undefined> {
  try {
    const json = JSON.parse(await readFile(path, 'utf8')) as {
      hash?: unknown;
      wasmBytes?: unknown;
    };
    return typeof json.hash === 'string' && typeof json.wasmBytes === 'number'
      ? { hash: json.hash, wasmBytes: json.wasmBytes }
      : undefined;
  } catch {
    return undefined;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The last lines of a command's output. */
export function outputTail(output: string, lines = TAIL_LINES): string {
  const all = output.trimEnd().split(/\r?\n/);
  const tail = all.slice(-lines).join('\n');
  return all.length > lines ? `… (${all.length - lines} earlier lines)\n${tail}` : tail;
}

/** Runs a command, capturing (and forwarding) its output; fails with the tail of that output. */
function run(
  command: string,
  args: readonly string[],
  options: {
    cwd: string;
    env?: NodeJS.ProcessEnv;
    onOutput?: ((text: string) => void) | undefined;
    code: CliErrorCodeValue;
    what: string;
    rewrite?: (output: string) => string;
    details: Record<string, unknown>;
  },
): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      options.onOutput?.(text);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) =>
      reject(
        createCliError(
          CliErrorCode.BACKEND_BUILD_FAILED,
          `${options.what}: could not run ${command}: ${error.message}`,
          options.details,
          { cause: error },
        ),
      ),
    );
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolvePromise(output);
        return;
      }
      const status = signal ? `killed by ${signal}` : `exit code ${code}`;
      const shown = outputTail(options.rewrite ? options.rewrite(output) : output);
      reject(
        createCliError(options.code, `${options.what} (${status}):\n${shown}`, {
          ...options.details,
          output: shown,
        }),
      );
    });
  });
}
