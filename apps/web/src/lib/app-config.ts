/**
 * The settings `citadel deploy` bakes into the build: which canister is the backend, which
 * replica to fall back to, which network it is (mainnet has a well-known root key; any
 * other network's is fetched), and, optionally, which Internet Identity to log in with.
 */
import { Principal } from '@dfinity/principal';

/** The build-time environment, as `process.env` holds it. */
export interface AppEnv {
  /** `NEXT_PUBLIC_CANISTER_ID_BACKEND`: the backend canister's id. */
  readonly canisterId: string | undefined;
  /** `NEXT_PUBLIC_IC_HOST`: the replica's URL, used when the page is not served by a gateway. */
  readonly icHost: string | undefined;
  /** `CITADEL_NETWORK`: `local`, `ic`, or a URL. @default 'local' */
  readonly network: string | undefined;
  /**
   * `NEXT_PUBLIC_II_URL`: the Internet Identity to log in with.
   * @default the network's own (see `identity-provider.ts`)
   */
  readonly identityProviderUrl?: string | undefined;
}

/** The resolved settings the app runs with. */
export interface AppConfig {
  readonly canisterId: string;
  readonly icHost: string | undefined;
  readonly network: string;
  /** Whether the agent must fetch the network's root key: everywhere but mainnet. */
  readonly fetchRootKey: boolean;
  /** An `http(s)` URL when `NEXT_PUBLIC_II_URL` names one; else resolved from the page. */
  readonly identityProviderUrl: string | undefined;
}

/** The settings, or why the app cannot run with them. */
export type AppConfigResult =
  | { readonly ok: true; readonly config: AppConfig }
  | {
      readonly ok: false;
      readonly problem: 'missing-canister-id' | 'invalid-canister-id' | 'invalid-ii-url';
      readonly message: string;
    };

/** The network name meaning ICP mainnet. */
export const MAINNET = 'ic';

/** Validates `env` into an {@link AppConfig}. */
export function resolveAppConfig(env: AppEnv): AppConfigResult {
  const canisterId = env.canisterId?.trim() ?? '';
  if (canisterId === '') {
    return {
      ok: false,
      problem: 'missing-canister-id',
      message:
        'NEXT_PUBLIC_CANISTER_ID_BACKEND was not set when this app was built, so it does not ' +
        'know which canister holds the notes. Deploy it with `npx citadel deploy`, or set the ' +
        'variable before `next build` / `next dev`.',
    };
  }
  if (!isPrincipalText(canisterId)) {
    return {
      ok: false,
      problem: 'invalid-canister-id',
      message: `NEXT_PUBLIC_CANISTER_ID_BACKEND is "${canisterId}", which is not a canister id.`,
    };
  }
  const identityProviderUrl = env.identityProviderUrl?.trim() || undefined;
  if (identityProviderUrl !== undefined && !isHttpUrl(identityProviderUrl)) {
    return {
      ok: false,
      problem: 'invalid-ii-url',
      message: `NEXT_PUBLIC_II_URL is "${identityProviderUrl}", which is not an http(s) URL.`,
    };
  }
  const network = env.network?.trim() || 'local';
  const icHost = env.icHost?.trim() || undefined;
  return {
    ok: true,
    config: {
      canisterId,
      icHost,
      network,
      fetchRootKey: network !== MAINNET,
      identityProviderUrl,
    },
  };
}

/**
 * The settings of this build. The `process.env.*` names must stay literal: Next.js replaces
 * them with their values at build time.
 */
export function readAppConfig(): AppConfigResult {
  return resolveAppConfig({
    canisterId: process.env.NEXT_PUBLIC_CANISTER_ID_BACKEND,
    icHost: process.env.NEXT_PUBLIC_IC_HOST,
    network: process.env.CITADEL_NETWORK,
    identityProviderUrl: process.env.NEXT_PUBLIC_II_URL,
  });
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function isPrincipalText(text: string): boolean {
  try {
    return Principal.fromText(text).toText() === text;
  } catch {
    return false;
  }
}
