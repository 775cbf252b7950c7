import { join } from 'node:path';
import { HttpAgent, type Identity } from '@dfinity/agent';
import type { CliContext } from '../cli-context.js';
import { CliErrorCode, createCliError } from '../errors.js';
import { type CanisterIds, loadCanisterIds } from '../project/canister-ids.js';
import { ensureLocalNetwork } from './ensure-local-network.js';

/**
 * Where a deploy goes: the project's local network, ICP mainnet, or any network by URL. Each
 * has its own canister ids file and its own way to reach canisters in a browser.
 */

export type DeployNetwork =
  | { readonly kind: 'local' }
  | { readonly kind: 'ic' }
  | { readonly kind: 'url'; readonly url: string };

/** ICP mainnet's API boundary nodes. */
export const IC_API_URL = 'https://icp-api.io';

export function parseDeployNetwork(text: string, command = 'deploy'): DeployNetwork {
  if (text === 'local' || text === 'ic') {
    return { kind: text };
  }
  if (/^https?:\/\/[^\s/]+\/?$/.test(text)) {
    return { kind: 'url', url: text.replace(/\/+$/, '') };
  }
  throw createCliError(
    CliErrorCode.INVALID_OPTION_VALUE,
    `Option '--network' must be 'local', 'ic' or an http(s):// URL of a network, got '${text}'.`,
    { command, option: '--network', value: text },
  );
}

/** The network's name in messages and in `--json` output. */
export function networkLabel(network: DeployNetwork): string {
  return network.kind === 'url' ? network.url : network.kind;
}

/** The frontend of a project whose citadel.json names none: the project root itself. */
export const DEFAULT_FRONTEND_NAME = 'frontend';

/** The project's canister ids on `network`, from its file (see `canisterIdsPath`). */
export function loadNetworkCanisterIds(
  projectRoot: string,
  network: DeployNetwork,
): Promise<CanisterIds> {
  // Inside the file, dfx's network names: every network but mainnet counts as local.
  return loadCanisterIds(
    canisterIdsPath(projectRoot, network),
    network.kind === 'ic' ? 'ic' : 'local',
  );
}

/** The file recording the project's canister ids on `network` (dfx's canister_ids.json format). */
export function canisterIdsPath(projectRoot: string, network: DeployNetwork): string {
  switch (network.kind) {
    case 'ic':
      return join(projectRoot, 'canister_ids.json');
    case 'local':
      return join(projectRoot, '.citadel', 'local', 'canister_ids.json');
    case 'url': {
      const { host } = new URL(network.url);
      return join(
        projectRoot,
        '.citadel',
        'networks',
        host.replace(/[^a-zA-Z0-9.-]/g, '_'),
        'canister_ids.json',
      );
    }
  }
}

/** The URL a browser opens a canister's site at. */
export function canisterUrl(network: DeployNetwork, apiUrl: string, canisterId: string): string {
  if (network.kind === 'ic') {
    return `https://${canisterId}.icp0.io/`;
  }
  const url = new URL(apiUrl);
  // Browsers resolve *.localhost to loopback, which the gateway on the same port serves.
  const host =
    url.hostname === '127.0.0.1' || url.hostname === 'localhost' ? 'localhost' : url.hostname;
  return `${url.protocol}//${canisterId}.${host}${url.port === '' ? '' : `:${url.port}`}/`;
}

/**
 * An agent signing as `identity`. Only mainnet's root key is built into the agent; another
 * network's is fetched from it (a local network's key is not a secret, only its own).
 */
export async function createDeployAgent(
  network: DeployNetwork,
  apiUrl: string,
  identity: Identity,
  fetchFn: typeof fetch,
): Promise<HttpAgent> {
  try {
    return await HttpAgent.create({
      host: apiUrl,
      identity,
      fetch: fetchFn,
      shouldFetchRootKey: network.kind !== 'ic',
      // Update answers are verified against the root key; query signatures too.
      verifyQuerySignatures: true,
    });
  } catch (error) {
    throw createCliError(
      CliErrorCode.NETWORK_UNREACHABLE,
      `Could not reach the ${networkLabel(network)} network at ${apiUrl}: ${(error as Error).message}`,
      { url: apiUrl },
      { cause: error },
    );
  }
}

/**
 * The API URL of `network`; for `local`, the project's network, started in the background if
 * none runs (said through `say`).
 */
export async function reachNetwork(
  network: DeployNetwork,
  projectRoot: string,
  context: CliContext,
  say: (line: string) => void,
): Promise<string> {
  switch (network.kind) {
    case 'ic':
      return IC_API_URL;
    case 'url':
      return network.url;
    case 'local': {
      const local = await ensureLocalNetwork(projectRoot, context);
      say(
        `${local.started ? '✔' : '•'} ${local.note.charAt(0).toUpperCase()}${local.note.slice(1)}`,
      );
      return local.url;
    }
  }
}
