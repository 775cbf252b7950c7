import { HttpAgent } from '@dfinity/agent';
import { isCitadelError } from '@citadel/protocol';
import { createMemoryEncodingCache } from '../deploy/encoding-cache.js';
import { loadInternetIdentity } from './internet-identity.js';
import { ensureSystemCanisters, type SystemCanister } from './system-canisters.js';
import { loadSystemIdentity } from './system-identity.js';

/** A network that serves but is not announced yet (network.json is written after). */
export interface StartingNetwork {
  readonly url: string;
  readonly dataDir: string;
}

export interface PrepareNetworkOptions {
  readonly log: (line: string) => void;
  /** @default loadInternetIdentity */
  readonly loadCanisters?: () => Promise<SystemCanister[]>;
  readonly fetch?: typeof fetch;
}

/**
 * Brings the network's system canisters (Internet Identity) up to date before the network is
 * announced, so whatever waits for it — `start --background`, a deploy — finds them ready. A
 * failure leaves the network running without them and says why with a code: the network is
 * still useful for everything else.
 */
export async function prepareNetwork(
  network: StartingNetwork,
  options: PrepareNetworkOptions,
): Promise<void> {
  const { log } = options;
  try {
    const canisters = await (options.loadCanisters ?? loadInternetIdentity)();
    const { identity } = await loadSystemIdentity(network.dataDir);
    const agent = await HttpAgent.create({
      host: network.url,
      identity,
      shouldFetchRootKey: true,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });
    const results = await ensureSystemCanisters({
      agent,
      controller: identity.getPrincipal(),
      canisters,
      cache: createMemoryEncodingCache(),
    });
    for (const result of results) {
      if (result.created || result.code !== 'unchanged' || result.filesChanged > 0) {
        log(
          `${result.created ? 'Installed' : 'Updated'} ${result.name} at ${result.canisterId}${result.filesChanged > 0 ? ` (${result.filesChanged} files)` : ''}`,
        );
      }
    }
  } catch (error) {
    const code = isCitadelError(error) ? error.code : 'CLI_SYSTEM_CANISTER_UNAVAILABLE';
    log(
      `warning[${code}]: the network runs without Internet Identity: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
