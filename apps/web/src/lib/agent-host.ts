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
 * Whether `location` is a page a gateway serves: `<canister-id>.<domain>` (also
 * `<canister-id>.raw.<domain>`), or any host with a `canisterId` query parameter.
 */
export function isGatewayLocation(location: PageLocation): boolean {
  const firstLabel = location.hostname.toLowerCase().split('.', 1)[0] ?? '';
  return (
    (location.hostname.includes('.') && CANISTER_ID_LABEL.test(firstLabel)) ||
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
