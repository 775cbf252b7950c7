/**
 * Which Internet Identity the app logs in with. On a local network that is Citadel's own II,
 * which `citadel start` serves at a fixed canister id on the same gateway as the app; on
 * mainnet it is the real one. `NEXT_PUBLIC_II_URL` overrides both.
 *
 * The II page must be served under a host name, never an IP address: WebAuthn refuses IP
 * hosts, and passkeys are bound to the host they were created on (reference §7.2).
 */
import { canisterDomainOf } from './agent-host';
import { MAINNET } from './app-config';

/** The id `citadel start` (like dfx) serves the local II frontend at. */
export const LOCAL_II_FRONTEND_ID = 'rdmx6-jaaaa-aaaaa-aaadq-cai';

/** Mainnet's Internet Identity, auth-client's own default. */
export const MAINNET_II_URL = 'https://identity.internetcomputer.org/';

/** The parts of `window.location` that decide the II URL. */
export type IdentityProviderLocation = Pick<Location, 'protocol' | 'hostname' | 'port'>;

/** What {@link resolveIdentityProvider} takes besides the page's location. */
export interface IdentityProviderSettings {
  /** `CITADEL_NETWORK`, resolved: `local`, `ic` or a URL. */
  readonly network: string;
  /** `NEXT_PUBLIC_IC_HOST`: the replica the app falls back to off a gateway. */
  readonly icHost: string | undefined;
  /** `NEXT_PUBLIC_II_URL`: when set, used as is. */
  readonly identityProviderUrl: string | undefined;
}

/**
 * The URL auth-client opens to log in:
 * - `NEXT_PUBLIC_II_URL` when set;
 * - on mainnet, {@link MAINNET_II_URL};
 * - on a page a gateway serves at `<canister-id>.<domain>[:port]`, the local II on that same
 *   gateway, `<protocol>//rdmx6-jaaaa-aaaaa-aaadq-cai.<domain>[:port]/` (for a raw page, the
 *   certified domain: II is never served raw);
 * - anywhere else (`next dev`, `127.0.0.1/?canisterId=…`), the local II at
 *   `rdmx6-jaaaa-aaaaa-aaadq-cai.localhost` on the port of `NEXT_PUBLIC_IC_HOST`, or of the
 *   page itself when there is none (the agent then talks to the page's origin too).
 * @example
 * resolveIdentityProvider(new URL('http://uxrrr-q7777-77774-qaaaq-cai.localhost:4943/'), {
 *   network: 'local', icHost: undefined, identityProviderUrl: undefined,
 * }) // 'http://rdmx6-jaaaa-aaaaa-aaadq-cai.localhost:4943/'
 */
export function resolveIdentityProvider(
  location: IdentityProviderLocation,
  settings: IdentityProviderSettings,
): string {
  if (settings.identityProviderUrl !== undefined) {
    return settings.identityProviderUrl;
  }
  if (settings.network === MAINNET) {
    return MAINNET_II_URL;
  }
  const domain = canisterDomainOf(location.hostname);
  if (domain !== undefined) {
    return localIdentityProvider(location.protocol, domain, location.port);
  }
  const replica = parseUrl(settings.icHost);
  return replica === undefined
    ? localIdentityProvider(location.protocol, 'localhost', location.port)
    : localIdentityProvider(replica.protocol, 'localhost', replica.port);
}

function localIdentityProvider(protocol: string, domain: string, port: string): string {
  return new URL(`${protocol}//${LOCAL_II_FRONTEND_ID}.${domain}${port === '' ? '' : `:${port}`}`)
    .href;
}

function parseUrl(text: string | undefined): URL | undefined {
  try {
    return text === undefined ? undefined : new URL(text);
  } catch {
    return undefined;
  }
}
