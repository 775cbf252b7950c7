/**
 * Which origin a dApp's principal is derived for (§5). By default the dApp's own origin; a
 * request may name another one (`derivationOrigin`), which is accepted only when that
 * origin lists the dApp's origin in its `/.well-known/ii-alternative-origins`, as the
 * reference II checks it (`validateDerivationOrigin.ts`).
 */
import { isPrincipalText } from './principal-text';

/** The path of the list of alternative origins, on the derivation origin's canister. */
export const ALTERNATIVE_ORIGINS_PATH = '/.well-known/ii-alternative-origins';

/** Most origins an alternative-origins list may hold (II spec). */
export const MAX_ALTERNATIVE_ORIGINS = 10;

/** Host suffixes whose first label is a canister id (§5.2 step 2). */
const CANISTER_HOST_SUFFIXES = ['ic0.app', 'icp0.io', 'internetcomputer.org', 'localhost'];

/** `https://<id>[.raw].icp0.io` and `.icp.net`: the legacy `ic0.app` names the same canister. */
const LEGACY_DOMAIN = /^https:\/\/([\w-]+(?:\.raw)?)\.(?:icp0\.io|icp\.net)$/;

/** What {@link resolveFrontendOrigin} takes. */
export interface ResolveFrontendOriginParams {
  /** The origin the request came from (`event.origin`). */
  readonly requestOrigin: string;
  /** The request's `derivationOrigin`, if any. */
  readonly derivationOrigin: string | undefined;
  /** Where this II page is served; decides where the list is fetched from. */
  readonly iiUrl: string;
  /** @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
}

/** The origin to derive the principal for, or why the derivation origin was refused. */
export type FrontendOriginResult =
  | {
      readonly ok: true;
      /** What `prepare_delegation` and `get_delegation` get as `FrontendHostname`. */
      readonly frontendOrigin: string;
    }
  | { readonly ok: false; readonly message: string };

/**
 * Rewrites `https://<id>.icp0.io` (and `.raw`, and `.icp.net`) to `https://<id>.ic0.app`, the
 * name II derives principals for, so each canister keeps one principal per user (§3.5).
 */
export function toLegacyDomain(origin: string): string {
  const match = LEGACY_DOMAIN.exec(origin);
  return match === null ? origin : `https://${match[1]}.ic0.app`;
}

/**
 * Resolves the frontend origin of a request: the dApp's own origin, or its derivation origin
 * once validated (§5.2):
 * 1. equal after {@link toLegacyDomain}: valid, nothing fetched;
 * 2. the derivation origin's canister: the first label of a canister host, else the
 *    `x-ic-canister-id` header of `HEAD <derivationOrigin>`;
 * 3. its alternative-origins list, fetched from that canister on II's own network;
 * 4. HTTP 200 with `{"alternativeOrigins": string[]}`, at most 10, no duplicates, listing
 *    the request's origin.
 */
export async function resolveFrontendOrigin({
  requestOrigin,
  derivationOrigin,
  iiUrl,
  fetch = globalThis.fetch,
}: ResolveFrontendOriginParams): Promise<FrontendOriginResult> {
  const requesting = toLegacyDomain(requestOrigin);
  if (derivationOrigin === undefined) {
    return { ok: true, frontendOrigin: requesting };
  }
  const derivation = toLegacyDomain(derivationOrigin);
  if (derivation === requesting) {
    return { ok: true, frontendOrigin: requesting };
  }
  if (!isOrigin(derivationOrigin)) {
    return refuse(
      `"${derivationOrigin}" is not an origin (scheme, host and port, without a path).`,
    );
  }
  const canisterId = await resolveCanisterId(derivationOrigin, fetch);
  if (!canisterId.ok) {
    return canisterId;
  }
  const listUrl = alternativeOriginsUrl(canisterId.canisterId, new URL(iiUrl));
  let response: Response;
  try {
    response = await fetch(listUrl, {
      redirect: 'error',
      credentials: 'omit',
      headers: { Accept: 'application/json' },
    });
  } catch (error) {
    return refuse(
      `Could not fetch ${listUrl} (${messageOf(error)}). It must be served with CORS headers ` +
        'that let this page read it.',
    );
  }
  if (response.status !== 200) {
    return refuse(`${listUrl} answered HTTP ${response.status}, not 200.`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return refuse(`${listUrl} is not JSON.`);
  }
  const origins = alternativeOriginsOf(body);
  if (origins === undefined) {
    return refuse(`${listUrl} is not of the form {"alternativeOrigins": ["https://…", …]}.`);
  }
  if (origins.length > MAX_ALTERNATIVE_ORIGINS) {
    return refuse(
      `${listUrl} lists ${origins.length} origins; at most ${MAX_ALTERNATIVE_ORIGINS} are allowed.`,
    );
  }
  if (new Set(origins).size !== origins.length) {
    return refuse(`${listUrl} lists an origin more than once.`);
  }
  if (!origins.map(toLegacyDomain).includes(requesting)) {
    return refuse(`${listUrl} does not list ${requestOrigin}.`);
  }
  return { ok: true, frontendOrigin: derivation };
}

/**
 * Where the alternative origins of `canisterId` are read, relative to the II page at `iiUrl`
 * (§5.2 step 3): II on `*.localhost` reads them through `localhost` with `?canisterId=`, II
 * on an IP address through that address, and anywhere else from mainnet's `icp0.io`.
 */
export function alternativeOriginsUrl(canisterId: string, iiUrl: URL): string {
  const query = `?canisterId=${canisterId}`;
  const { protocol, hostname, port } = iiUrl;
  const withPort = port === '' ? '' : `:${port}`;
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
    return `${protocol}//localhost${withPort}${ALTERNATIVE_ORIGINS_PATH}${query}`;
  }
  if (hostname === '127.0.0.1' || hostname === '0.0.0.0') {
    return `${protocol}//${hostname}${withPort}${ALTERNATIVE_ORIGINS_PATH}${query}`;
  }
  return `https://${canisterId}.icp0.io${ALTERNATIVE_ORIGINS_PATH}`;
}

async function resolveCanisterId(
  origin: string,
  fetch: typeof globalThis.fetch,
): Promise<{ ok: true; canisterId: string } | { ok: false; message: string }> {
  const { hostname } = new URL(origin);
  const firstLabel = hostname.split('.', 1)[0] ?? '';
  const onCanisterHost = CANISTER_HOST_SUFFIXES.some(
    (suffix) => hostname !== suffix && hostname.endsWith(`.${suffix}`),
  );
  if (onCanisterHost && isPrincipalText(firstLabel)) {
    return { ok: true, canisterId: firstLabel };
  }
  let header: string | null;
  try {
    const response = await fetch(origin, {
      method: 'HEAD',
      redirect: 'error',
      credentials: 'omit',
    });
    header = response.headers.get('x-ic-canister-id');
  } catch (error) {
    return refuse(`Could not ask ${origin} which canister serves it (${messageOf(error)}).`);
  }
  if (header === null || !isPrincipalText(header.trim())) {
    return refuse(
      `${origin} does not say which canister serves it (no valid x-ic-canister-id header).`,
    );
  }
  return { ok: true, canisterId: header.trim() };
}

function alternativeOriginsOf(body: unknown): string[] | undefined {
  if (typeof body !== 'object' || body === null) {
    return undefined;
  }
  const origins: unknown = (body as { alternativeOrigins?: unknown }).alternativeOrigins;
  return Array.isArray(origins) && origins.every((origin) => typeof origin === 'string')
    ? origins
    : undefined;
}

function refuse(reason: string): { ok: false; message: string } {
  return { ok: false, message: reason };
}

function isOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === text;
  } catch {
    return false;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
