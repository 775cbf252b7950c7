#!/usr/bin/env node
/**
 * Builds Internet Identity's frontend (`apps/identity`) as the static export `citadel start`
 * uploads to every local network: `node tools/build-identity.mjs` (the root `build:identity`
 * script). It is built for the identity canister's well-known id, which the CLI defines (so run
 * `npm run build` first). A build is skipped when the hash of the app's sources, its config,
 * that id and Next.js's version matches `apps/identity/out/.stamp`.
 *
 * Usage: build-identity.mjs [--force]
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
const APP = join(ROOT, 'apps', 'identity');
const OUT = join(APP, 'out');
const STAMP = join(OUT, '.stamp');
/** What the build reads besides `src/`. */
const CONFIG_FILES = ['package.json', 'next.config.ts', 'postcss.config.mjs', 'tsconfig.json'];

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

async function sourceHash(canisterId) {
  const require = createRequire(join(APP, 'package.json'));
  const next = JSON.parse(await readFile(require.resolve('next/package.json'), 'utf8')).version;
  const hash = createHash('sha256').update(`identity build 1\0${canisterId}\0next ${next}\0`);
  const files = [
    ...CONFIG_FILES.map((name) => join(APP, name)).filter(existsSync),
    ...(await filesBelow(join(APP, 'src'))),
  ];
  for (const file of files) {
    hash.update(`\0${relative(APP, file)}\0`).update(await readFile(file));
  }
  return hash.digest('hex');
}

async function main() {
  const cli = join(ROOT, 'apps', 'cli', 'dist', 'network', 'system-canisters.js');
  if (!existsSync(cli)) {
    console.error('error[BUILD_IDENTITY_CLI_NOT_BUILT]: run `npm run build` first.');
    process.exit(1);
  }
  const { INTERNET_IDENTITY_ID } = await import(cli);
  const canisterId = INTERNET_IDENTITY_ID.toText();
  const hash = await sourceHash(canisterId);
  if (!process.argv.includes('--force') && existsSync(STAMP)) {
    if ((await readFile(STAMP, 'utf8')).trim() === hash) {
      console.log('identity     up to date');
      return;
    }
  }
  const started = performance.now();
  const code = await new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        join(
          dirname(createRequire(join(APP, 'package.json')).resolve('next/package.json')),
          'dist',
          'bin',
          'next',
        ),
        'build',
      ],
      {
        cwd: APP,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          NEXT_PUBLIC_CANISTER_ID_INTERNET_IDENTITY: canisterId,
          CITADEL_NETWORK: 'local',
          NEXT_TELEMETRY_DISABLED: '1',
        },
      },
    );
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
  if (code !== 0) {
    console.error(`error[BUILD_IDENTITY_FAILED]: next build of apps/identity exited with ${code}.`);
    process.exit(1);
  }
  await writeFile(STAMP, `${hash}\n`);
  console.log(`identity     built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

await main();
