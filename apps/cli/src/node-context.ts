import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { CliContext, ProgressLine } from './cli-context.js';
import { spawnDetachedNode } from './network/background-start.js';
import { nodeProcessControl } from './network/process-control.js';

/** Exit status after a second Ctrl-C, as shells report SIGINT (128 + 2). */
const EXIT_INTERRUPTED = 130;

function readVersion(): string {
  const manifest: unknown = JSON.parse(
    readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
  );
  const version = (manifest as { version?: unknown }).version;
  return typeof version === 'string' ? version : '0.0.0';
}

function terminalProgress(stream: NodeJS.WriteStream): ProgressLine {
  let shown = false;
  return {
    update(text) {
      stream.write(`\r\x1b[2K${text}`);
      shown = true;
    },
    clear() {
      if (shown) {
        stream.write('\r\x1b[2K');
        shown = false;
      }
    },
  };
}

/**
 * The first SIGINT or SIGTERM resolves the promise and starts a clean shutdown; a second one
 * exits at once, for a shutdown that hangs.
 */
function waitForShutdownSignal(): Promise<NodeJS.Signals> {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  return new Promise((resolve) => {
    const onSecond = (signal: NodeJS.Signals): void => {
      process.stderr.write(`Received ${signal} again; exiting without a clean shutdown.\n`);
      process.exit(EXIT_INTERRUPTED);
    };
    const onFirst = (signal: NodeJS.Signals): void => {
      for (const name of signals) {
        process.off(name, onFirst);
        process.once(name, onSecond);
      }
      resolve(signal);
    };
    for (const name of signals) {
      process.on(name, onFirst);
    }
  });
}

/** The context of a real `citadel` process. */
export function createNodeContext(): CliContext {
  const binPath = fileURLToPath(new URL('../bin/citadel.js', import.meta.url));
  return {
    cwd: process.cwd(),
    env: process.env,
    homeDir: homedir(),
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    ...(process.stdout.isTTY ? { progress: terminalProgress(process.stdout) } : {}),
    version: readVersion(),
    selfCommand: { command: process.execPath, args: [...process.execArgv, binPath] },
    waitForShutdownSignal,
    fetch: globalThis.fetch,
    processes: nodeProcessControl,
    spawnDetached: spawnDetachedNode,
    // Loaded on first use: only `start` needs the agent and the deploy machinery.
    prepareNetwork: async (network, options) =>
      (await import('./network/prepare-network.js')).prepareNetwork(network, options),
  };
}
