import type * as GatewayTypes from '@citadel/gateway';
import type * as ReplicaTypes from '@citadel/replica';
import type { CliContext } from '../cli-context.js';
import { CliErrorCode, createCliError } from '../errors.js';
import { findProjectRoot } from '../network/data-dir.js';
import type { GatewayFlags } from '../parse-command-line.js';
import { loadProjectConfig } from '../project/project-config.js';

// Loaded on first use (below), so other commands stay light.
type GatewayModule = typeof GatewayTypes;
type ReplicaModule = typeof ReplicaTypes;

/**
 * `citadel gateway`: serves canisters to browsers from any replica (a local network, or ICP
 * mainnet's API with `--network ic`), verifying every response, until SIGINT or SIGTERM.
 */
export async function runGatewayCommand(flags: GatewayFlags, context: CliContext): Promise<number> {
  const project = await loadProjectConfig(findProjectRoot(context.cwd));
  const domains = new Map([...project.domains, ...flags.domains]);
  const shutdown = context.waitForShutdownSignal();
  let modules: [GatewayModule, ReplicaModule];
  try {
    modules = await Promise.all([import('@citadel/gateway'), import('@citadel/replica')]);
  } catch (error) {
    throw createCliError(
      CliErrorCode.REPLICA_LOAD_FAILED,
      `Could not load @citadel/gateway (${error instanceof Error ? error.message : String(error)}); run \`npm run build\` first.`,
      {},
      { cause: error },
    );
  }
  const [{ connectGateway }, { serveHandler }] = modules;
  let gateway: Awaited<ReturnType<typeof connectGateway>>;
  try {
    gateway = await connectGateway({
      replicaUrl: flags.replica,
      rootKey: flags.network === 'ic' ? undefined : 'fetch',
      routing: { customDomains: domains },
      acceptV1: flags.acceptV1,
      log: (line) => context.stdout(line),
    });
  } catch (error) {
    throw createCliError(
      CliErrorCode.GATEWAY_START_FAILED,
      `Could not reach the replica at ${flags.replica}: ${error instanceof Error ? error.message : String(error)}`,
      { replica: flags.replica },
      { cause: error },
    );
  }
  const server = await serveHandler((request) => gateway.fetch(request), {
    host: flags.host,
    port: flags.port,
    quickAnswer: (request) => gateway.quickAnswer(request),
    log: (line) => context.stdout(line),
  });
  const origin = `http://${flags.host === '127.0.0.1' ? 'localhost' : flags.host}:${server.port}`;
  context.stdout('Gateway running');
  context.stdout(
    `  Replica:   ${flags.replica} (${flags.network === 'ic' ? "mainnet's root key" : 'its own root key'})`,
  );
  context.stdout(
    `  Browse:    http://<canister-id>.localhost:${server.port}/ or ${origin}/?canisterId=<canister-id>`,
  );
  context.stdout('Press Ctrl-C to stop');
  const signal = await shutdown;
  context.stdout(`Received ${signal}, stopping the gateway…`);
  await server.close();
  return 0;
}
