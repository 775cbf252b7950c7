/**
 * Where the agent sends its requests. A page served by an HTTP gateway talks to the network
 * through that same origin (the gateway forwards `/api/*` to the replica), which keeps every
 * request same-origin, within a `connect-src 'self'` CSP. A page served by anything else
 * (`next dev` on localhost:3000) falls back to the replica named at build time.
 */

/** The parts of `window.location` that decide the host. */
export type PageLocation = Pick<Location, 'origin' | 'hostname' | 'search'>;

/** A canister id in text form: groups of five base32 characters, dash-separated. */
const CANISTER_ID_LABEL = /^[a-z2-7]{5}(-[a-z2-7]{1,5})+$/;

/**
 * The domain a gateway serves canisters under, read from a canister's host name:
 * `localhost` for `<canister-id>.localhost` (and for `<canister-id>.raw.localhost`, whose
 * certified counterpart is meant), or undefined when the first label is no canister id.
 * @example
 * canisterDomainOf('uxrrr-q7777-77774-qaaaq-cai.raw.icp0.io') // 'icp0.io'
 */
export function canisterDomainOf(hostname: string): string | undefined {
  const [firstLabel = '', ...rest] = hostname.toLowerCase().split('.');
  if (rest.length === 0 || !CANISTER_ID_LABEL.test(firstLabel)) {
    return undefined;
  }
  const domain = rest[0] === 'raw' && rest.length > 1 ? rest.slice(1) : rest;
  return domain.join('.');
}

/**
 * Whether `location` is a page a gateway serves: `<canister-id>.<domain>` (also
 * `<canister-id>.raw.<domain>`), or any host with a `canisterId` query parameter.
 */
export function isGatewayLocation(location: PageLocation): boolean {
  return (
    canisterDomainOf(location.hostname) !== undefined ||
    new URLSearchParams(location.search).has('canisterId')
  );
}

/** The agent's host: the page's origin behind a gateway, else `fallbackHost` when set. */
export function resolveAgentHost(location: PageLocation, fallbackHost: string | undefined): string {
  if (isGatewayLocation(location) || fallbackHost === undefined) {
    return location.origin;
  }
  return fallbackHost;
}
