import { HttpAgent, type SignIdentity } from '@dfinity/agent';
import { isCitadelError } from '@citadel/protocol';
import { createMemoryEncodingCache } from '../deploy/encoding-cache.js';
import { SYSTEM_APPS, type SystemApp } from './system-apps.js';
import { ensureSystemCanisters } from './system-canisters.js';
import { loadSystemIdentity } from './system-identity.js';

/** A network that serves but is not announced yet (network.json is written after). */
export interface StartingNetwork {
  readonly url: string;
  readonly dataDir: string;
}

export interface PrepareNetworkOptions {
  readonly log: (line: string) => void;
  /** @default SYSTEM_APPS: Internet Identity and the dApp directory */
  readonly apps?: readonly SystemApp[];
  readonly fetch?: typeof fetch;
}

function warning(log: (line: string) => void, app: SystemApp, error: unknown): void {
  const code = isCitadelError(error) ? error.code : 'CLI_SYSTEM_CANISTER_UNAVAILABLE';
  log(
    `warning[${code}]: the network runs without ${app.name}: ${error instanceof Error ? error.message : String(error)}`,
  );
}

/**
 * Brings the network's system apps (Internet Identity, the dApp directory) up to date before
 * the network is announced, so whatever waits for it — `start --background`, a deploy — finds
 * them ready. An app that fails is left out and said why with a code: the network is still
 * useful for everything else.
 */
export async function prepareNetwork(
  network: StartingNetwork,
  options: PrepareNetworkOptions,
): Promise<void> {
  const { log } = options;
  const apps = options.apps ?? SYSTEM_APPS;
  let identity: SignIdentity;
  let agent: HttpAgent;
  try {
    ({ identity } = await loadSystemIdentity(network.dataDir));
    agent = await HttpAgent.create({
      host: network.url,
      identity,
      shouldFetchRootKey: true,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });
  } catch (error) {
    for (const app of apps) {
      warning(log, app, error);
    }
    return;
  }
  const cache = createMemoryEncodingCache();
  for (const app of apps) {
    try {
      const results = await ensureSystemCanisters({
        agent,
        controller: identity.getPrincipal(),
        canisters: await app.load(),
        cache,
      });
      for (const result of results) {
        if (result.created || result.code !== 'unchanged' || result.filesChanged > 0) {
          log(
            `${result.created ? 'Installed' : 'Updated'} ${result.name} at ${result.canisterId}${result.filesChanged > 0 ? ` (${result.filesChanged} files)` : ''}`,
          );
        }
      }
    } catch (error) {
      warning(log, app, error);
    }
  }
}
