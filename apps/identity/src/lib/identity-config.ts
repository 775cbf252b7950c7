/**
 * The settings the deploy bakes into the build: which canister is the II backend, and which
 * network it is (mainnet has a well-known root key; any other network's is fetched).
 */
import { isPrincipalText } from './principal-text';

/** The build-time environment, as `process.env` holds it. */
export interface IdentityEnv {
  /** `NEXT_PUBLIC_CANISTER_ID_INTERNET_IDENTITY`: the II backend canister's id. */
  readonly canisterId: string | undefined;
  /** `CITADEL_NETWORK`: `local`, `ic`, or a URL. @default 'local' */
  readonly network: string | undefined;
}

/** The resolved settings the app runs with. */
export interface IdentityConfig {
  /** The II backend canister's id, as text. */
  readonly canisterId: string;
  readonly network: string;
  /** Whether the agent must fetch the network's root key: everywhere but mainnet. */
  readonly fetchRootKey: boolean;
}

/** The settings, or why the app cannot run with them. */
export type IdentityConfigResult =
  | { readonly ok: true; readonly config: IdentityConfig }
  | {
      readonly ok: false;
      readonly problem: 'missing-canister-id' | 'invalid-canister-id';
      readonly message: string;
    };

/** The network name meaning ICP mainnet. */
export const MAINNET = 'ic';

/** The build variable naming the II backend canister. */
export const CANISTER_ID_VARIABLE = 'NEXT_PUBLIC_CANISTER_ID_INTERNET_IDENTITY';

/** Validates `env` into an {@link IdentityConfig}. */
export function resolveIdentityConfig(env: IdentityEnv): IdentityConfigResult {
  const canisterId = env.canisterId?.trim() ?? '';
  if (canisterId === '') {
    return {
      ok: false,
      problem: 'missing-canister-id',
      message:
        `${CANISTER_ID_VARIABLE} was not set when this app was built, so it does not know ` +
        'which canister keeps the identities. `citadel start` installs Internet Identity with ' +
        'it set; for a build of your own, set the variable before `next build` / `next dev`.',
    };
  }
  if (!isPrincipalText(canisterId)) {
    return {
      ok: false,
      problem: 'invalid-canister-id',
      message: `${CANISTER_ID_VARIABLE} is "${canisterId}", which is not a canister id.`,
    };
  }
  const network = env.network?.trim() || 'local';
  return { ok: true, config: { canisterId, network, fetchRootKey: network !== MAINNET } };
}

/**
 * The settings of this build. The `process.env.*` names must stay literal: Next.js replaces
 * them with their values at build time.
 */
export function readIdentityConfig(): IdentityConfigResult {
  return resolveIdentityConfig({
    canisterId: process.env.NEXT_PUBLIC_CANISTER_ID_INTERNET_IDENTITY,
    network: process.env.CITADEL_NETWORK,
  });
}
