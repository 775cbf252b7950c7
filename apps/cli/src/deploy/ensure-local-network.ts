import { join } from 'node:path';
import type { CliContext } from '../cli-context.js';
import { CliErrorCode, createCliError } from '../errors.js';
import { startInBackground } from '../network/background-start.js';
import { resolveDataDir } from '../network/data-dir.js';
import { fetchReplicaStatus, getNetworkStatus } from '../network/network-status.js';
import { DEFAULT_HOST, DEFAULT_PORT } from '../network/start-network.js';
import { spinnerFrame } from '../spinner.js';

/**
 * The local network a deploy talks to: the project's own if it runs; else one already
 * answering on the default port (another project's); else the project's, started in the
 * background for the deploy and left running.
 */

export interface LocalNetwork {
  readonly url: string;
  /** How it was found, for the user. */
  readonly note: string;
  /** True when this deploy started it. */
  readonly started: boolean;
}

export async function ensureLocalNetwork(
  projectRoot: string,
  context: CliContext,
): Promise<LocalNetwork> {
  const dataDir = resolveDataDir(undefined, projectRoot);
  const status = await getNetworkStatus({
    dataDir,
    fetch: context.fetch,
    processes: context.processes,
  });
  if (status.state === 'running') {
    return { url: status.info.url, note: `local network at ${status.info.url}`, started: false };
  }
  if (status.state === 'starting') {
    return waitForStartingNetwork(dataDir, context);
  }
  if (status.state === 'stopped') {
    const shared = `http://${DEFAULT_HOST}:${DEFAULT_PORT}`;
    // Any failure means no Citadel network there: the deploy starts the project's own.
    const answers = await fetchReplicaStatus(shared, context.fetch, 2_000).then(
      () => true,
      () => false,
    );
    if (answers) {
      return {
        url: shared,
        note: `local network already running at ${shared} (not this project's data directory)`,
        started: false,
      };
    }
  }
  let frame = 0;
  const { info, logPath } = await startInBackground({
    dataDir,
    command: context.selfCommand.command,
    args: [...context.selfCommand.args, 'start', '--data-dir', dataDir],
    cwd: projectRoot,
    spawn: context.spawnDetached,
    fetch: context.fetch,
    processes: context.processes,
    ...(context.clockMs ? { clockMs: context.clockMs } : {}),
    ...(context.sleep ? { sleep: context.sleep } : {}),
    onProgress: (elapsedMs) => {
      const spinner = spinnerFrame(frame++);
      context.progress?.update(
        `${spinner} Starting the local network… ${Math.floor(elapsedMs / 1000)} s`,
      );
    },
  });
  context.progress?.clear();
  return {
    url: info.url,
    note: `started the local network at ${info.url} in the background (log: ${logPath}; stop it with \`citadel stop\`)`,
    started: true,
  };
}

/** How long a network someone else is starting gets to answer. */
const STARTING_WAIT_MS = 60_000;

/** Another `citadel start` is bringing the project's network up: wait for it to answer. */
async function waitForStartingNetwork(dataDir: string, context: CliContext): Promise<LocalNetwork> {
  const clockMs = context.clockMs ?? (() => performance.now());
  const sleep =
    context.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const started = clockMs();
  for (let frame = 0; clockMs() - started < STARTING_WAIT_MS; frame++) {
    context.progress?.update(
      `${spinnerFrame(frame)} Waiting for the local network to start… ${Math.floor((clockMs() - started) / 1000)} s`,
    );
    await sleep(200);
    const status = await getNetworkStatus({
      dataDir,
      fetch: context.fetch,
      processes: context.processes,
    });
    if (status.state === 'running') {
      context.progress?.clear();
      return {
        url: status.info.url,
        note: `local network at ${status.info.url} (waited for it to start)`,
        started: false,
      };
    }
    if (status.state === 'stopped') {
      break;
    }
  }
  context.progress?.clear();
  throw createCliError(
    CliErrorCode.NETWORK_UNREACHABLE,
    `The local network in ${dataDir} is starting but did not answer within ${STARTING_WAIT_MS / 1000} s; see ${join(dataDir, 'network.log')}, or restart it with \`citadel stop\` and \`citadel start --background\`.`,
    { dataDir },
  );
}
