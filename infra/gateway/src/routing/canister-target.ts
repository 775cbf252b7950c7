import { Principal } from '@dfinity/principal';

/**
 * Which canister a browser request is for, and whether it asked for raw (unverified) access,
 * the way the IC's boundary nodes and dfx's local gateway decide it:
 *
 * - `<canister-id>.localhost[:port]` (and any `<id>.<suffix>` where the suffix is a configured
 *   gateway domain such as `localhost` or `icp0.io`), `<id>.raw.<suffix>` for raw access;
 * - a configured custom domain, mapped to its canister;
 * - else the `canisterId` query parameter (for clients that cannot use subdomains);
 * - else, on the gateway's own host (`localhost`, an IP address), the root canister if one is
 *   configured (the network's console).
 */

export interface CanisterTarget {
  readonly canisterId: Principal;
  /** Whether the request came through a raw domain (`<id>.raw.<suffix>`). */
  readonly raw: boolean;
  /** How the canister was found, for logs. */
  readonly via: 'subdomain' | 'custom-domain' | 'query' | 'root';
}

export interface RoutingOptions {
  /** Domains whose subdomains are canister ids. @default ['localhost'] */
  readonly gatewayDomains?: readonly string[];
  /** Custom domain → canister id (text), from the project configuration. */
  readonly customDomains?: ReadonlyMap<string, string>;
  /**
   * The canister (id text) that answers the gateway's own host — a gateway domain itself
   * (`localhost:4943`) or an IP address — when the request names no canister: the network's
   * console. @default none
   */
  readonly rootCanister?: string;
}

/** The canister `url` (with its `Host`) addresses, or undefined if it names none. */
export function canisterTarget(
  url: URL,
  host: string | undefined,
  options: RoutingOptions = {},
): CanisterTarget | undefined {
  const hostname = hostnameOf(host ?? url.host);
  const custom = options.customDomains?.get(hostname);
  if (custom !== undefined) {
    const canisterId = parsePrincipal(custom);
    return canisterId === undefined ? undefined : { canisterId, raw: false, via: 'custom-domain' };
  }
  for (const domain of options.gatewayDomains ?? ['localhost']) {
    if (!hostname.endsWith(`.${domain}`)) {
      continue;
    }
    const labels = hostname.slice(0, -(domain.length + 1)).split('.');
    const raw = labels.length === 2 && labels[1] === 'raw';
    if (labels.length === 1 || raw) {
      const canisterId = parsePrincipal(labels[0] as string);
      if (canisterId !== undefined) {
        return { canisterId, raw, via: 'subdomain' };
      }
    }
  }
  const fromQuery = url.searchParams.get('canisterId');
  if (fromQuery !== null) {
    const canisterId = parsePrincipal(fromQuery);
    return canisterId === undefined ? undefined : { canisterId, raw: false, via: 'query' };
  }
  const gatewayHost =
    (options.gatewayDomains ?? ['localhost']).includes(hostname) ||
    /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) ||
    hostname.startsWith('[');
  const root =
    options.rootCanister === undefined ? undefined : parsePrincipal(options.rootCanister);
  return gatewayHost && root !== undefined
    ? { canisterId: root, raw: false, via: 'root' }
    : undefined;
}

/** The host name in lower case, without port or trailing dot. */
export function hostnameOf(host: string): string {
  const withoutPort = host.startsWith('[') ? host : host.replace(/:\d+$/, '');
  return withoutPort.toLowerCase().replace(/\.$/, '');
}

function parsePrincipal(text: string): Principal | undefined {
  // Canister ids are textual principals: groups of five base32 characters, dash-separated.
  if (!/^[a-z2-7]{5}(-[a-z2-7]{1,5})+$/.test(text)) {
    return undefined;
  }
  try {
    return Principal.fromText(text);
  } catch {
    // Bad checksum: not a canister id, so the request names no canister.
    return undefined;
  }
}
