#!/usr/bin/env node
/**
 * The README's main command, `npm start`: from a fresh clone to the sample app's URL.
 *
 * 1. installs the dependencies (`npm ci`) when `node_modules` is missing or older than
 *    `package-lock.json`;
 * 2. builds the CLI (`tsc -b`, incremental), the asset, Internet Identity and directory
 *    canisters and the frontends of Internet Identity and the console (each skipped when its
 *    stamp matches), which `citadel start` installs on the network;
 * 3. runs `citadel deploy` at the repository root: it starts the local network in the
 *    background when none is running, builds the backend canister and the Next.js app
 *    (`citadel.json`), deploys both and prints the URL.
 *
 * Only Node's built-in modules are used here: this runs before `npm ci`.
 * Arguments after `--` go to `citadel deploy` (`npm start -- --preview`).
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Runs a command in the repository root with inherited output; exits with its failure. */
function run(step, command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit' });
    child.on('error', (error) => {
      console.error(
        `error[START_STEP_FAILED]: ${step}: could not run ${command}: ${error.message}`,
      );
      process.exit(1);
    });
    child.on('close', (code, signal) => {
      if (code !== 0) {
        console.error(
          `error[START_STEP_FAILED]: ${step} failed (${signal ?? `exit code ${code}`}); see above.`,
        );
        process.exit(code ?? 1);
      }
      resolve();
    });
  });
}

/** True when `npm ci` has not run since package-lock.json last changed. */
function dependenciesStale() {
  const installed = join(ROOT, 'node_modules', '.package-lock.json');
  return (
    !existsSync(installed) ||
    statSync(installed).mtimeMs < statSync(join(ROOT, 'package-lock.json')).mtimeMs
  );
}

function step(text) {
  console.error(`\n▸ ${text}`);
}

const started = performance.now();
if (dependenciesStale()) {
  step('Installing dependencies (npm ci)');
  await run('npm ci', NPM, ['ci', '--no-audit', '--no-fund']);
}
step('Building the citadel command');
await run('npm run build', NPM, ['run', 'build', '--silent']);
step('Building the asset, Internet Identity and directory canisters');
await run('build-canisters', process.execPath, [
  join(ROOT, 'tools', 'build-canisters.mjs'),
  'assets',
  'internet_identity',
  'directory',
]);
step('Building the frontends of Internet Identity and the console');
await run('build-frontends', process.execPath, [join(ROOT, 'tools', 'build-frontends.mjs')]);
step('Deploying the sample app (apps/web and canisters/backend)');
await run('citadel deploy', process.execPath, [
  join(ROOT, 'apps', 'cli', 'bin', 'citadel.js'),
  'deploy',
  ...process.argv.slice(2),
]);
console.error(
  `\nReady in ${((performance.now() - started) / 1000).toFixed(0)} s. Every dApp on the network: http://localhost:4943/ (the console).\nThe local network keeps running in the background; \`npx citadel stop\` stops it.`,
);
