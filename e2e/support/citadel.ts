/**
 * Runs the `citadel` command the way a user does (a child process of the built CLI), so the
 * e2e suite exercises the same start and deploy paths as the README's main command.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(REPO_ROOT, 'apps', 'cli', 'bin', 'citadel.js');

/** What a finished `citadel` run printed. */
export interface CitadelRun {
  readonly stdout: string;
  readonly stderr: string;
}

/** A `citadel` run that exited non-zero; the message carries its output. */
export class CitadelCommandError extends Error {
  readonly code = 'E2E_CITADEL_COMMAND_FAILED';
  constructor(args: readonly string[], exitCode: number | null, run: CitadelRun) {
    super(
      `citadel ${args.join(' ')} exited with ${exitCode}:\n${run.stderr.slice(-4000)}${run.stdout.slice(-2000)}`,
    );
  }
}

/** Runs `citadel <args>` in `cwd` (the repository root); rejects with its output when it fails. */
export function citadel(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  cwd: string = REPO_ROOT,
): Promise<CitadelRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, ...env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const run = { stdout, stderr };
      if (exitCode === 0) {
        resolvePromise(run);
      } else {
        reject(new CitadelCommandError(args, exitCode, run));
      }
    });
  });
}
