#!/usr/bin/env node
/**
 * Builds the frontends of the network's system apps as the static exports `citadel start`
 * uploads to every local network: Internet Identity's (`apps/identity`) and the console
 * (`apps/console`). `node tools/build-frontends.mjs` is the root `build:frontends` script.
 * Each is built for the well-known canister ids it talks to, which the CLI defines (so run
 * `npm run build` first). A build is skipped when the hash of the app's sources, its config,
 * those ids and Next.js's version matches `apps/<app>/out/.stamp`.
 *
 * Usage: build-frontends.mjs [--force] [identity|console ...]
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** What a build reads besides `src/`. */
const CONFIG_FILES = ['package.json', 'next.config.ts', 'postcss.config.mjs', 'tsconfig.json'];

/** The apps, and the environment each is built with (from the CLI's well-known ids). */
function apps(ids) {
  return {
    identity: { NEXT_PUBLIC_CANISTER_ID_INTERNET_IDENTITY: ids.INTERNET_IDENTITY_ID.toText() },
    console: { NEXT_PUBLIC_CANISTER_ID_DIRECTORY: ids.DIRECTORY_ID.toText() },
  };
}

async function filesBelow(dir) {
  const files = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      files.push(...(await filesBelow(path)));
    } else if (entry.isFile() && !/\.test\.tsx?$/.test(entry.name)) {
      files.push(path);
    }
  }
  return files.sort();
}

async function sourceHash(app, dir, env) {
  const require = createRequire(join(dir, 'package.json'));
  const next = JSON.parse(await readFile(require.resolve('next/package.json'), 'utf8')).version;
  const hash = createHash('sha256').update(
    `${app} build 1\0${JSON.stringify(env)}\0next ${next}\0`,
  );
  const files = [
    ...CONFIG_FILES.map((name) => join(dir, name)).filter(existsSync),
    ...(await filesBelow(join(dir, 'src'))),
  ];
  for (const file of files) {
    hash.update(`\0${relative(dir, file)}\0`).update(await readFile(file));
  }
  return hash.digest('hex');
}

/** Runs `next build` in `dir` with `env`; its exit code (the output is shown on failure). */
function nextBuild(dir, env) {
  const nextBin = join(
    dirname(createRequire(join(dir, 'package.json')).resolve('next/package.json')),
    'dist',
    'bin',
    'next',
  );
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [nextBin, 'build'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env, CITADEL_NETWORK: 'local', NEXT_TELEMETRY_DISABLED: '1' },
    });
    let output = '';
    child.stdout.on('data', (data) => (output += data));
    child.stderr.on('data', (data) => (output += data));
    child.on('close', (exitCode) => {
      if (exitCode !== 0) {
        console.error(output.split('\n').slice(-40).join('\n'));
      }
      resolve(exitCode);
    });
  });
}

async function build(app, env, force) {
  const dir = join(ROOT, 'apps', app);
  const stamp = join(dir, 'out', '.stamp');
  const hash = await sourceHash(app, dir, env);
  if (!force && existsSync(stamp) && (await readFile(stamp, 'utf8')).trim() === hash) {
    console.log(`${app.padEnd(12)} up to date`);
    return;
  }
  const started = performance.now();
  const code = await nextBuild(dir, env);
  if (code !== 0) {
    console.error(`error[BUILD_FRONTEND_FAILED]: next build of apps/${app} exited with ${code}.`);
    process.exit(1);
  }
  await writeFile(stamp, `${hash}\n`);
  console.log(`${app.padEnd(12)} built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function main() {
  const cli = join(ROOT, 'apps', 'cli', 'dist', 'network', 'system-canisters.js');
  if (!existsSync(cli)) {
    console.error('error[BUILD_FRONTEND_CLI_NOT_BUILT]: run `npm run build` first.');
    process.exit(1);
  }
  const all = apps(await import(cli));
  const args = process.argv.slice(2);
  const named = args.filter((arg) => !arg.startsWith('--'));
  for (const name of named) {
    if (!(name in all)) {
      console.error(
        `error[BUILD_FRONTEND_UNKNOWN]: no app '${name}' (apps: ${Object.keys(all).join(', ')}).`,
      );
      process.exit(2);
    }
  }
  for (const [app, env] of Object.entries(all)) {
    if (named.length === 0 || named.includes(app)) {
      await build(app, env, args.includes('--force'));
    }
  }
}

await main();
