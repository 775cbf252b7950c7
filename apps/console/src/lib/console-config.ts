/**
 * The settings the console is built with: which canister is the directory, and which network
 * it runs on (mainnet has a well-known root key; any other network's is fetched).
 */
import { isPrincipalText } from './principal-text';

/** The build-time environment, as `process.env` holds it. */
export interface ConsoleEnv {
  /** `NEXT_PUBLIC_CANISTER_ID_DIRECTORY`: the directory canister's id. */
  readonly directoryCanisterId: string | undefined;
  /** `CITADEL_NETWORK`: `local`, `ic`, or a URL. @default 'local' */
  readonly network: string | undefined;
}

/** The resolved settings the console runs with. */
export interface ConsoleConfig {
  readonly directoryCanisterId: string;
  readonly network: string;
  /** Whether the agent must fetch the network's root key: everywhere but mainnet. */
  readonly fetchRootKey: boolean;
}

/** The settings, or why the console cannot run with them. */
export type ConsoleConfigResult =
  | { readonly ok: true; readonly config: ConsoleConfig }
  | {
      readonly ok: false;
      readonly problem: 'missing-directory-id' | 'invalid-directory-id';
      readonly message: string;
    };

/** The network name meaning ICP mainnet. */
export const MAINNET = 'ic';

/** Validates `env` into a {@link ConsoleConfig}. */
export function resolveConsoleConfig(env: ConsoleEnv): ConsoleConfigResult {
  const directoryCanisterId = env.directoryCanisterId?.trim() ?? '';
  if (directoryCanisterId === '') {
    return {
      ok: false,
      problem: 'missing-directory-id',
      message:
        'NEXT_PUBLIC_CANISTER_ID_DIRECTORY was not set when the console was built, so it does ' +
        'not know which canister lists the dApps. Set it before `next build` / `next dev`.',
    };
  }
  if (!isPrincipalText(directoryCanisterId)) {
    return {
      ok: false,
      problem: 'invalid-directory-id',
      message: `NEXT_PUBLIC_CANISTER_ID_DIRECTORY is "${directoryCanisterId}", which is not a canister id.`,
    };
  }
  const network = env.network?.trim() || 'local';
  return {
    ok: true,
    config: { directoryCanisterId, network, fetchRootKey: network !== MAINNET },
  };
}

/**
 * The settings of this build. The `process.env.*` names must stay literal: Next.js replaces
 * them with their values at build time.
 */
export function readConsoleConfig(): ConsoleConfigResult {
  return resolveConsoleConfig({
    directoryCanisterId: process.env.NEXT_PUBLIC_CANISTER_ID_DIRECTORY,
    network: process.env.CITADEL_NETWORK,
  });
}
