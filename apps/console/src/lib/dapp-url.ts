/**
 * Where things are, seen from the console's page: a dApp's URL on the same gateway, its icon,
 * and the console's own detail view (`?dapp=<frontend-id>`: a static export has no dynamic
 * routes).
 */
import { isPrincipalText } from './principal-text';

/** The parts of `window.location` the console reads. */
export type PageLocation = Pick<Location, 'protocol' | 'hostname' | 'port' | 'search'>;

/** A canister id in text form: groups of five base32 characters, dash-separated. */
const CANISTER_ID_LABEL = /^[a-z2-7]{5}(-[a-z2-7]{1,5})+$/;

/** The query parameter of the detail view. */
export const DAPP_PARAM = 'dapp';

/**
 * The domain the gateway serving the page puts canisters under: the page's own domain without
 * a leading canister id (and without `raw`, whose certified counterpart is meant), and
 * `localhost` for a loopback address (`<id>.localhost` resolves to loopback, `<id>.127.0.0.1`
 * does not exist).
 * @example
 * gatewayDomainOf('localhost') // 'localhost'
 * gatewayDomainOf('qoctq-giaaa-aaaaa-aaaea-cai.raw.localhost') // 'localhost'
 */
export function gatewayDomainOf(hostname: string): string {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === '127.0.0.1' || host === '[::1]' || host === '::1') {
    return 'localhost';
  }
  const [first = '', ...rest] = host.split('.');
  if (rest.length === 0 || !CANISTER_ID_LABEL.test(first)) {
    return host;
  }
  return rest[0] === 'raw' && rest.length > 1 ? rest.slice(1).join('.') : rest.join('.');
}

/**
 * The URL a dApp is served at through the same gateway as the page: its frontend canister id
 * as a subdomain, on the page's scheme and port. Never the `raw` domain: every response the
 * user gets through this URL is verified by the gateway.
 * @example
 * dappUrlOf('qoctq-giaaa-aaaaa-aaaea-cai', { protocol: 'http:', hostname: 'localhost', port: '4943', search: '' })
 * // 'http://qoctq-giaaa-aaaaa-aaaea-cai.localhost:4943/'
 */
export function dappUrlOf(frontendId: string, location: PageLocation): string {
  const port = location.port === '' ? '' : `:${location.port}`;
  return `${location.protocol}//${frontendId}.${gatewayDomainOf(location.hostname)}${port}/`;
}

/**
 * The `src` of a listing's icon: a path on the dApp's own origin, or an `https:` or
 * `data:image/` URL; undefined for anything else (a `javascript:` or plain `http:` URL), so
 * the card falls back to the dApp's initial.
 */
export function iconSrcOf(icon: string | undefined, dappUrl: string): string | undefined {
  const text = icon?.trim() ?? '';
  if (text === '') {
    return undefined;
  }
  if (text.startsWith('/') && !text.startsWith('//')) {
    return new URL(text, dappUrl).href;
  }
  if (/^data:image\//i.test(text)) {
    return text;
  }
  try {
    return new URL(text).protocol === 'https:' ? text : undefined;
  } catch {
    return undefined;
  }
}

/** The frontend id the page's query string asks to show, if it names a valid one. */
export function dappIdFromSearch(search: string): string | undefined {
  const id = new URLSearchParams(search).get(DAPP_PARAM)?.trim();
  return id !== undefined && isPrincipalText(id) ? id : undefined;
}

/**
 * The query string of the console's view of `frontendId` (the list when undefined), keeping
 * the page's other parameters (such as the gateway's `canisterId`).
 * @example
 * searchForDapp('?canisterId=x', 'qoctq-giaaa-aaaaa-aaaea-cai') // '?canisterId=x&dapp=qoctq-giaaa-aaaaa-aaaea-cai'
 */
export function searchForDapp(search: string, frontendId: string | undefined): string {
  const params = new URLSearchParams(search);
  if (frontendId === undefined) {
    params.delete(DAPP_PARAM);
  } else {
    params.set(DAPP_PARAM, frontendId);
  }
  const text = params.toString();
  return text === '' ? '?' : `?${text}`;
}
