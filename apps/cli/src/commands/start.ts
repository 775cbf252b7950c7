import type { CliContext } from '../cli-context.js';
import { CliErrorCode, createCliError } from '../errors.js';
import { startInBackground } from '../network/background-start.js';
import { findProjectRoot, resolveDataDir } from '../network/data-dir.js';
import { loadProjectConfig } from '../project/project-config.js';
import type { ReplicaFactory } from '../network/start-network.js';
import { startNetwork } from '../network/start-network.js';
import { CONSOLE_ID } from '../network/system-canisters.js';
import type { StartFlags } from '../parse-command-line.js';
import { spinnerFrame } from '../spinner.js';

/**
 * Loads `startReplica` from `@citadel/replica` (and the gateway served beside it on the same
 * port) on first use, so other commands stay light.
 */
export async function loadReplicaFactory(): Promise<ReplicaFactory> {
  try {
    const { startReplica } = await import('@citadel/replica');
    const { connectGateway } = await import('@citadel/gateway');
    return (options) =>
      startReplica({
        ...options,
        frontend: async (replica) => {
          const gateway = await connectGateway({
            replicaUrl: 'http://127.0.0.1',
            fetch: ((input: string | URL | Request, init?: RequestInit) =>
              replica.fetch(new Request(input, init))) as typeof fetch,
            rootKey: replica.rootKeyDer,
            // The gateway's own host serves the console; custom domains their canisters.
            routing: {
              rootCanister: CONSOLE_ID.toText(),
              ...(options.domains === undefined ? {} : { customDomains: options.domains }),
            },
            ...(options.log === undefined ? {} : { log: options.log }),
          });
          return gateway;
        },
      });
  } catch (error) {
    throw createCliError(
      CliErrorCode.REPLICA_LOAD_FAILED,
      `Could not load @citadel/replica or @citadel/gateway (${error instanceof Error ? error.message : String(error)}); run \`npm run build\` first.`,
      {},
      { cause: error },
    );
  }
}

function stopHint(flags: StartFlags, dataDir: string): string {
  if (flags.dataDir === undefined) {
    return 'citadel stop';
  }
  return `citadel stop --data-dir ${/\s/.test(dataDir) ? JSON.stringify(dataDir) : dataDir}`;
}

async function runInBackground(
  flags: StartFlags,
  dataDir: string,
  context: CliContext,
): Promise<number> {
  const childArgs = [
    ...context.selfCommand.args,
    'start',
    '--data-dir',
    dataDir,
    '--host',
    flags.host,
    '--port',
    String(flags.port),
    ...(flags.clean ? ['--clean'] : []),
    ...(flags.maxCanisters === undefined ? [] : ['--max-canisters', String(flags.maxCanisters)]),
    ...(flags.domains.size === 0
      ? []
      : ['--domains', [...flags.domains].map(([name, id]) => `${name}=${id}`).join(',')]),
  ];
  const { progress } = context;
  let frame = 0;
  const { info, logPath } = await startInBackground({
    dataDir,
    command: context.selfCommand.command,
    args: childArgs,
    cwd: context.cwd,
    spawn: context.spawnDetached,
    fetch: context.fetch,
    processes: context.processes,
    ...(context.clockMs ? { clockMs: context.clockMs } : {}),
    ...(context.sleep ? { sleep: context.sleep } : {}),
    onSpawned: (pid) => {
      if (progress === undefined) {
        context.stdout(`Starting the local network in the background (pid ${pid})…`);
      }
    },
    onProgress: (elapsedMs) => {
      const spinner = spinnerFrame(frame++);
      progress?.update(`${spinner} Starting the local network… ${Math.floor(elapsedMs / 1000)} s`);
    },
  });
  // On failure the top-level error report clears the progress line.
  progress?.clear();
  context.stdout('Local network running in the background');
  context.stdout(`  URL:       ${info.url}`);
  context.stdout(`  Root key:  ${info.rootKey}`);
  context.stdout(`  PID:       ${info.pid}`);
  context.stdout(`  Log:       ${logPath}`);
  context.stdout(`Stop it with \`${stopHint(flags, dataDir)}\`.`);
  return 0;
}

/**
 * `citadel start`: runs the network in this process until SIGINT or SIGTERM, or starts it
 * detached with `--background` and returns once it answers.
 */
export async function runStartCommand(flags: StartFlags, context: CliContext): Promise<number> {
  const dataDir = resolveDataDir(flags.dataDir, context.cwd);
  if (flags.background) {
    return runInBackground(flags, dataDir, context);
  }
  // citadel.json's domains, then the command line's on top.
  const project = await loadProjectConfig(findProjectRoot(context.cwd));
  const domains = new Map([...project.domains, ...flags.domains]);
  // Listen before starting: a Ctrl-C during startup then still ends in a clean stop.
  const shutdown = context.waitForShutdownSignal();
  const startReplica = await (context.loadReplica ?? loadReplicaFactory)();
  const { prepareNetwork } = context;
  const network = await startNetwork({
    dataDir,
    host: flags.host,
    port: flags.port,
    clean: flags.clean,
    ...(flags.maxCanisters === undefined ? {} : { maxCanisters: flags.maxCanisters }),
    ...(domains.size === 0 ? {} : { domains }),
    startReplica,
    log: (line) => context.stdout(line),
    processes: context.processes,
    ...(prepareNetwork === undefined
      ? {}
      : {
          prepare: (starting) => prepareNetwork(starting, { log: (line) => context.stdout(line) }),
        }),
  });
  if (network.tookOverFrom !== null) {
    const pid = network.tookOverFrom.pid;
    context.stdout(
      `note: took over ${dataDir} from a network that did not shut down cleanly${pid === null ? '' : ` (pid ${pid})`}.`,
    );
  }
  context.stdout('Local network running');
  context.stdout(`  URL:       ${network.info.url}`);
  context.stdout(
    `  Browse:    http://<canister-id>.localhost:${new URL(network.info.url).port}/ (every response verified)`,
  );
  context.stdout(`  Root key:  ${network.info.rootKey}`);
  context.stdout(`  Data dir:  ${dataDir}`);
  context.stdout('Press Ctrl-C to stop');
  const signal = await shutdown;
  context.stdout(`Received ${signal}, stopping the local network…`);
  await network.stop();
  context.stdout('Stopped.');
  return 0;
}
