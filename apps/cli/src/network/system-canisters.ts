import { assetsActor } from '@citadel/assets-canister/client';
import type { Agent } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import {
  canisterStatus,
  createCanisterWithCycles,
  installModule,
  isInstalledModule,
  type CanisterStatus,
} from '../canisters/management.js';
import { canisterCallError, summarizeAgentError } from '../deploy/agent-errors.js';
import type { EncodingCache } from '../deploy/encoding-cache.js';
import { syncSite } from '../deploy/sync-site.js';
import { CliErrorCode, createCliError } from '../errors.js';

/**
 * Canisters every local network carries at well-known ids, installed and kept current by
 * `citadel start` (Internet Identity and its frontend), so that a dApp finds them where it would
 * on mainnet or under dfx without configuration.
 */
export interface SystemCanister {
  /** How it is named in messages: `internet_identity`. */
  readonly name: string;
  /** The well-known id it is created at. */
  readonly canisterId: Principal;
  /** Its Wasm module (gzipped or not). */
  readonly module: Uint8Array;
  /** Its install argument (Candid); none is the empty message. */
  readonly installArg?: Uint8Array;
  /** For an asset canister: the folder of static files it serves. */
  readonly siteDir?: string;
}

/** What {@link ensureSystemCanisters} did to one canister. */
export interface SystemCanisterResult {
  readonly name: string;
  readonly canisterId: string;
  readonly created: boolean;
  /** `install` or `upgrade` when its code changed, else `unchanged`. */
  readonly code: 'install' | 'upgrade' | 'unchanged';
  /** Files uploaded or removed (asset canisters only). */
  readonly filesChanged: number;
}

export interface EnsureSystemCanistersOptions {
  /** Signs as the controller of the system canisters (kept in the data directory). */
  readonly agent: Agent;
  readonly controller: Principal;
  readonly canisters: readonly SystemCanister[];
  /** The encoding cache for site uploads (an in-memory one is fine: sites are small). */
  readonly cache: EncodingCache;
}

/** The canister's status, or undefined when it does not exist yet. */
async function statusIfExists(
  agent: Agent,
  canister: SystemCanister,
): Promise<CanisterStatus | undefined> {
  try {
    return await canisterStatus(agent, canister.canisterId);
  } catch (error) {
    const reason = summarizeAgentError(error);
    if (/not found|does not exist/i.test(reason)) {
      return undefined;
    }
    // Another principal controls it: someone created a canister at this id before.
    throw createCliError(
      CliErrorCode.SYSTEM_CANISTER_ID_TAKEN,
      `The well-known id of ${canister.name} (${canister.canisterId.toText()}) holds a canister this network's system identity does not control (${reason}). Start the network with --clean, or use another data directory.`,
      { name: canister.name, canisterId: canister.canisterId.toText() },
      { cause: error },
    );
  }
}

/**
 * Creates each system canister at its id if missing, installs or upgrades its module when it
 * differs (upgrades keep stable memory: Internet Identity's anchors and salt survive), and
 * brings an asset canister's files up to date. Running it again changes nothing.
 */
export async function ensureSystemCanisters(
  options: EnsureSystemCanistersOptions,
): Promise<SystemCanisterResult[]> {
  const { agent, controller } = options;
  const results: SystemCanisterResult[] = [];
  for (const canister of options.canisters) {
    const existing = await statusIfExists(agent, canister);
    if (existing === undefined) {
      try {
        await createCanisterWithCycles(agent, [controller], canister.canisterId);
      } catch (error) {
        throw canisterCallError(
          `create ${canister.name} at ${canister.canisterId.toText()}`,
          error,
        );
      }
    }
    const installed = existing !== undefined && isInstalledModule(existing, canister.module);
    const code = installed ? 'unchanged' : existing?.module_hash.length ? 'upgrade' : 'install';
    if (code !== 'unchanged') {
      try {
        await installModule(agent, canister.canisterId, canister.module, code, canister.installArg);
      } catch (error) {
        throw canisterCallError(`${code} ${canister.name}`, error);
      }
    }
    let filesChanged = 0;
    if (canister.siteDir !== undefined) {
      const sync = await syncSite(assetsActor(agent, canister.canisterId), canister.siteDir, {
        cache: options.cache,
      });
      filesChanged = sync.created + sync.updated + sync.removed;
    }
    results.push({
      name: canister.name,
      canisterId: canister.canisterId.toText(),
      created: existing === undefined,
      code,
      filesChanged,
    });
  }
  return results;
}

/** Internet Identity's frontend, at the id dfx and dApps use for a local II. */
export const INTERNET_IDENTITY_FRONTEND_ID = Principal.fromText('rdmx6-jaaaa-aaaaa-aaadq-cai');
/** Internet Identity's canister (anchors, passkeys, delegations), next to its frontend. */
export const INTERNET_IDENTITY_ID = Principal.fromText('qoctq-giaaa-aaaaa-aaaea-cai');
/** The directory of the network's dApps, which `citadel deploy` lists each dApp in. */
export const DIRECTORY_ID = Principal.fromText('qjdve-lqaaa-aaaaa-aaaeq-cai');
/** The console (`apps/console`), which the gateway serves at its root: `http://localhost:4943/`. */
export const CONSOLE_ID = Principal.fromText('qaa6y-5yaaa-aaaaa-aaafa-cai');
