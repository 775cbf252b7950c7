import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliErrorCode, createCliError, systemErrorCode } from '../errors.js';

/**
 * What `citadel deploy` uploads as the frontend and how it gets there: a Next.js app
 * (statically exported), a Vite app (built) or a folder of files as they are.
 */

export type FrontendKind = 'next' | 'vite' | 'static';

/** The build step of a plan. */
export interface FrontendBuild {
  /**
   * The framework's CLI, run from the project's own node_modules with this Node.js:
   * `next` → next/dist/bin/next, `vite` → vite/bin/vite.js.
   */
  readonly command: 'next' | 'vite';
  readonly args: readonly string[];
  /** Added to the environment of the build. */
  readonly env: Readonly<Record<string, string>>;
}

export interface FrontendPlan {
  readonly kind: FrontendKind;
  /** Absolute project root. */
  readonly root: string;
  /** Absolute directory to upload (after the build, when there is one). */
  readonly outputDir: string;
  /** Absent for a folder deployed as it is. */
  readonly build?: FrontendBuild;
  /** One line for the user, e.g. `Next.js app: next build (static export) → out/`. */
  readonly description: string;
}

export interface DetectFrontendOptions {
  /**
   * A folder to deploy as it is (`citadel deploy ./public`); relative paths resolve against
   * the project root, so pass an absolute path to resolve against another directory.
   */
  readonly dir?: string;
}

/** Config files that make a directory a Next.js app, even without `next` in package.json. */
export const NEXT_CONFIG_FILES = [
  'next.config.js',
  'next.config.mjs',
  'next.config.ts',
  'next.config.mts',
];
/** Config files that make a directory a Vite app. */
export const VITE_CONFIG_FILES = [
  'vite.config.js',
  'vite.config.mjs',
  'vite.config.cjs',
  'vite.config.ts',
  'vite.config.mts',
  'vite.config.cts',
];
/** Folders searched, in order, for an `index.html` when there is no framework. */
export const STATIC_DIR_CANDIDATES = ['.', 'public', 'dist', 'out', 'build'];

/** The absolute path of the compiled adapter `next build` loads (see next-adapter.ts). */
export function nextAdapterPath(): string {
  const here = import.meta.url;
  // From dist, the adapter is next to this module; from source (tests), it is in dist.
  return fileURLToPath(
    here.endsWith('.js')
      ? new URL('next-adapter.js', here)
      : new URL('../../dist/frontend/next-adapter.js', here),
  );
}

/**
 * Decides what to deploy from `projectRoot`: `options.dir` as it is; else a Next.js app
 * (`next` dependency or next.config.*) exported to `out/`; else a Vite app (`vite` dependency
 * or vite.config.*) built to `dist/` (or its `build.outDir` when written as a plain string);
 * else the first of `.`, public/, dist/, out/, build/ that holds an index.html.
 * @throws CLI_FRONTEND_DIR_NOT_FOUND, CLI_FRONTEND_NOT_A_DIRECTORY for a bad `options.dir`;
 *   CLI_FRONTEND_PACKAGE_INVALID; CLI_FRONTEND_NOT_DETECTED when nothing fits.
 * @example
 * const plan = await detectFrontend('/work/my-app');
 * plan.kind; // 'next'
 * plan.outputDir; // '/work/my-app/out'
 */
export async function detectFrontend(
  projectRoot: string,
  options: DetectFrontendOptions = {},
): Promise<FrontendPlan> {
  const root = resolve(projectRoot);
  if (options.dir !== undefined) {
    return explicitDir(root, resolve(root, options.dir), options.dir);
  }

  const dependencies = await readDependencies(root);
  const nextConfig = await firstExisting(root, NEXT_CONFIG_FILES);
  if (dependencies.has('next') || nextConfig !== undefined) {
    return {
      kind: 'next',
      root,
      outputDir: join(root, 'out'),
      build: {
        command: 'next',
        args: ['build'],
        env: { NEXT_TELEMETRY_DISABLED: '1', NEXT_ADAPTER_PATH: nextAdapterPath() },
      },
      description: 'Next.js app: next build (static export) → out/',
    };
  }

  const viteConfig = await firstExisting(root, VITE_CONFIG_FILES);
  if (dependencies.has('vite') || viteConfig !== undefined) {
    const outDir = viteConfig === undefined ? undefined : await viteOutDir(join(root, viteConfig));
    const outputDir = resolve(root, outDir ?? 'dist');
    return {
      kind: 'vite',
      root,
      outputDir,
      build: { command: 'vite', args: ['build'], env: {} },
      description: `Vite app: vite build → ${displayDir(root, outputDir)}`,
    };
  }

  for (const candidate of STATIC_DIR_CANDIDATES) {
    const dir = join(root, candidate);
    if ((await statOrUndefined(join(dir, 'index.html')))?.isFile()) {
      return {
        kind: 'static',
        root,
        outputDir: dir,
        description: `Static files: ${displayDir(root, dir)} as it is`,
      };
    }
  }

  throw createCliError(
    CliErrorCode.FRONTEND_NOT_DETECTED,
    `Found no frontend to deploy in ${root}: no package.json depending on next or vite, no ` +
      `${[...NEXT_CONFIG_FILES, ...VITE_CONFIG_FILES].join(', ')}, and no index.html in ` +
      `${STATIC_DIR_CANDIDATES.map((dir) => (dir === '.' ? 'the project root' : `${dir}/`)).join(', ')}. ` +
      `To deploy a folder of files as it is, name it: citadel deploy ./path/to/folder`,
    {
      root,
      looked: {
        nextConfig: NEXT_CONFIG_FILES,
        viteConfig: VITE_CONFIG_FILES,
        staticDirs: STATIC_DIR_CANDIDATES,
      },
    },
  );
}

async function explicitDir(root: string, dir: string, given: string): Promise<FrontendPlan> {
  let stats: Stats | undefined;
  try {
    stats = await stat(dir);
  } catch (error) {
    const code = systemErrorCode(error);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') {
      throw error;
    }
  }
  if (stats === undefined) {
    throw createCliError(
      CliErrorCode.FRONTEND_DIR_NOT_FOUND,
      `The folder to deploy, ${given}, does not exist (looked for ${dir}).`,
      { dir },
    );
  }
  if (!stats.isDirectory()) {
    throw createCliError(
      CliErrorCode.FRONTEND_NOT_A_DIRECTORY,
      `${given} is a file, not a folder; name the folder that holds the site's files.`,
      { dir },
    );
  }
  return {
    kind: 'static',
    root,
    outputDir: dir,
    description: `Static files: ${displayDir(root, dir)} as it is`,
  };
}

/** Names of the packages package.json depends on (runtime or dev); empty without package.json. */
async function readDependencies(root: string): Promise<Set<string>> {
  const file = join(root, 'package.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') {
      return new Set();
    }
    throw invalidPackageJson(file, `it cannot be read (${(error as Error).message})`, error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalidPackageJson(file, `it is not JSON (${(error as Error).message})`, error);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw invalidPackageJson(file, 'it must hold a JSON object');
  }
  const names = new Set<string>();
  const { dependencies, devDependencies } = json as Record<string, unknown>;
  for (const field of [dependencies, devDependencies]) {
    if (typeof field === 'object' && field !== null && !Array.isArray(field)) {
      for (const name of Object.keys(field)) {
        names.add(name);
      }
    }
  }
  return names;
}

function invalidPackageJson(file: string, reason: string, cause?: unknown): Error {
  return createCliError(
    CliErrorCode.FRONTEND_PACKAGE_INVALID,
    `${file}: ${reason}.`,
    { file },
    cause === undefined ? undefined : { cause },
  );
}

/**
 * `build.outDir` of a Vite config when it is written as one plain string literal
 * (`outDir: 'build'`); undefined otherwise (computed, or not set), which means dist/.
 */
export async function viteOutDir(configFile: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(configFile, 'utf8');
  } catch {
    return undefined;
  }
  const matches = [...text.matchAll(/\boutDir\s*:\s*(['"`])([^'"`$\\\n]+)\1/g)];
  const mentions = text.match(/\boutDir\b/g)?.length ?? 0;
  if (matches.length !== 1 || mentions !== 1) {
    return undefined;
  }
  return matches[0]?.[2];
}

async function firstExisting(root: string, names: readonly string[]): Promise<string | undefined> {
  for (const name of names) {
    if ((await statOrUndefined(join(root, name)))?.isFile()) {
      return name;
    }
  }
  return undefined;
}

/** The file's stats; undefined when nothing is there. */
export async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return undefined;
    }
    throw error;
  }
}

/** `dir` for messages: relative to the root when inside it, with a trailing slash. */
export function displayDir(root: string, dir: string): string {
  const rel = relative(root, dir);
  if (rel === '') {
    return './';
  }
  if (rel.startsWith('..') || isAbsolute(rel)) {
    return `${dir}${sep}`;
  }
  return `${rel.split(sep).join('/')}/`;
}
