/**
 * Everything the components do that reaches the network: the directory, and per canister
 * its certified status, releases and assets. Components take a {@link ConsoleServices} from
 * context, so their tests hand them fakes; {@link connectConsoleServices} is the real one.
 */
import { Actor, HttpAgent } from '@dfinity/agent';
import { listReleases, readAssetStats, type AssetStats } from './asset-canister';
import type { AssetsActor } from './assets-idl';
import { assetsIdlFactory } from './assets-idl';
import {
  createRequestStatus,
  readCanisterStatus,
  verifyCertificate,
  type CanisterStatus,
} from './canister-status';
import type { ConsoleConfig } from './console-config';
import { attempt, type ConsoleResult } from './console-error';
import { createDirectoryApi, type DirectoryApi } from './directory-api';
import { directoryIdlFactory, type DirectoryActor } from './directory-idl';
import type { Release } from './listing';

/** What the components need from the network. */
export interface ConsoleServices {
  readonly directory: DirectoryApi;
  /** `canisterId`'s module hash and controllers, from a verified `read_state` certificate. */
  readCanisterStatus(canisterId: string): Promise<ConsoleResult<CanisterStatus>>;
  /** When a freshly read certificate about `canisterId`, verified, was signed. */
  verifyCertificate(canisterId: string): Promise<ConsoleResult<Date>>;
  /** The release history of the asset canister `frontend`, newest first. */
  listReleases(frontend: string): Promise<ConsoleResult<Release[]>>;
  /** The files and bytes the asset canister `frontend` serves. */
  readAssetStats(frontend: string): Promise<ConsoleResult<AssetStats>>;
}

/** What {@link connectConsoleServices} takes. */
export interface ConnectParams {
  readonly config: ConsoleConfig;
  /** The gateway's origin, which forwards `/api/*` to the replica: the page's own. */
  readonly host: string;
  /** The agent's fetch. @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
}

/**
 * An anonymous agent on `host` (it only queries and reads state), and the services over it.
 * Off mainnet it first fetches the network's root key, which every certificate is then
 * verified against, so this fails when the network cannot be reached.
 */
export async function connectConsoleServices({
  config,
  host,
  fetch,
}: ConnectParams): Promise<ConsoleServices> {
  const agent = await HttpAgent.create({ host, ...(fetch === undefined ? {} : { fetch }) });
  if (config.fetchRootKey) {
    await agent.fetchRootKey();
  }
  const directory = Actor.createActor<DirectoryActor>(directoryIdlFactory, {
    agent,
    canisterId: config.directoryCanisterId,
  });
  const assets = (canisterId: string) =>
    Actor.createActor<AssetsActor>(assetsIdlFactory, { agent, canisterId });
  const requestStatus = createRequestStatus(agent);
  return {
    directory: createDirectoryApi(directory),
    readCanisterStatus: (canisterId) =>
      attempt(() => readCanisterStatus(requestStatus, canisterId)),
    verifyCertificate: (canisterId) => attempt(() => verifyCertificate(requestStatus, canisterId)),
    listReleases: (frontend) => attempt(() => listReleases(assets(frontend))),
    readAssetStats: (frontend) => attempt(() => readAssetStats(assets(frontend))),
  };
}
