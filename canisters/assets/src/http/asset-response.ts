import { bytesToHex } from '@citadel/protocol';
import { sha256 } from '../crypto/sha256.js';
import {
  CERTIFICATE_EXPRESSION_HEADER,
  rangeExpression,
  responseExpression,
} from '../certification/expression.js';
import {
  type HeaderField,
  requestHash,
  responseHash,
  textHash,
} from '../certification/response-hash.js';
import type { Asset, AssetEncoding } from '../state/types.js';

/**
 * The response an asset encoding is served (and certified) as: status, the headers a gateway
 * passes on to the browser, and the hash of the body. Every header listed here is certified,
 * because a verifying gateway forwards certified headers only.
 */
export interface AssetResponse {
  readonly status: number;
  readonly headers: readonly HeaderField[];
  readonly expression: string;
  readonly expressionHash: Uint8Array;
  readonly responseHash: Uint8Array;
}

const utf8 = new TextEncoder();

/** The strong ETag of an encoding: its SHA-256 in hex, quoted. */
export function etagOf(encoding: AssetEncoding): string {
  return `"${bytesToHex(encoding.sha256)}"`;
}

/**
 * Sent with every asset unless the site turns them off or the asset sets the same header:
 * the subset of dfx's "standard" security policy that cannot break a page (the full policy,
 * with a Content-Security-Policy, comes from `.ic-assets.json5`).
 */
export const DEFAULT_SECURITY_HEADERS: readonly HeaderField[] = [
  ['referrer-policy', 'strict-origin-when-cross-origin'],
  ['strict-transport-security', 'max-age=31536000; includeSubDomains'],
  ['x-content-type-options', 'nosniff'],
];

/**
 * `status` 200 (or 404 for a not-found page) with the encoding's body; headers: content-type,
 * then {@link assetHeaders}.
 */
export function assetResponse(
  asset: Asset,
  encoding: AssetEncoding,
  status: number,
  options: { readonly securityHeaders: boolean },
): AssetResponse {
  return certified(
    status,
    asset.contentType,
    assetHeaders(asset, encoding, options),
    encoding.sha256,
  );
}

/** A `206` range response: one chunk of a large encoding, certified with its request. */
export interface ChunkResponse extends AssetResponse {
  readonly requestHash: Uint8Array;
  /** The `Range` request header this chunk answers (none for the first chunk). */
  readonly range: string | undefined;
}

/**
 * Chunk `index` of an encoding whose chunk hashes are known, as a `206` with
 * `content-range: bytes <start>-<end>/<total>` (ic-asset-certification's scheme): a gateway
 * asks for the first chunk without a `Range` header and for each next one with
 * `Range: bytes=<start>-`, verifying every piece before passing it on.
 */
export function chunkResponse(
  asset: Asset,
  encoding: AssetEncoding,
  index: number,
  options: { readonly securityHeaders: boolean },
): ChunkResponse {
  const chunkHash = encoding.chunkSha256s?.[index];
  const chunk = encoding.chunks[index];
  if (chunkHash === undefined || chunk === undefined) {
    throw new RangeError(`no chunk ${index} with a known hash in ${asset.key}`);
  }
  const start = index * (encoding.chunks[0] as Uint8Array).length;
  const end = start + chunk.length - 1;
  const extra = [
    ...assetHeaders(asset, encoding, options),
    ['content-range', `bytes ${start}-${end}/${encoding.totalLength}`] as const,
  ];
  const range = index === 0 ? undefined : `bytes=${start}-`;
  const expression = rangeExpression(
    range !== undefined,
    extra.map(([name]) => name),
  );
  const headers: HeaderField[] = [
    ['content-type', asset.contentType],
    ...extra,
    [CERTIFICATE_EXPRESSION_HEADER, expression],
  ];
  return {
    status: 206,
    headers,
    expression,
    expressionHash: textHash(expression),
    responseHash: responseHash(206, headers, chunkHash, { bodyIsHash: true }),
    requestHash: requestHash('GET', range === undefined ? [] : [['range', range]]),
    range,
  };
}

/**
 * The headers after content-type: content-encoding (unless identity), cache-control (when
 * the asset has a max age), etag, the asset's own headers (names lowercased), then the default
 * security headers the asset does not set itself (when `securityHeaders` is on).
 */
function assetHeaders(
  asset: Asset,
  encoding: AssetEncoding,
  options: { readonly securityHeaders: boolean },
): HeaderField[] {
  const extra: HeaderField[] = [];
  if (encoding.contentEncoding !== 'identity') {
    extra.push(['content-encoding', encoding.contentEncoding]);
  }
  if (asset.maxAge !== undefined) {
    extra.push(['cache-control', `max-age=${asset.maxAge}`]);
  }
  extra.push(['etag', etagOf(encoding)]);
  for (const [name, value] of asset.headers ?? []) {
    extra.push([name.toLowerCase(), value]);
  }
  if (options.securityHeaders) {
    for (const header of DEFAULT_SECURITY_HEADERS) {
      if (!extra.some(([name]) => name === header[0])) {
        extra.push(header);
      }
    }
  }
  return extra;
}

/** The plain `404 not found` served when a site has no 404 page and no fallback. */
export const NOT_FOUND_BODY = utf8.encode('not found');

const NOT_FOUND_SHA256 = sha256(NOT_FOUND_BODY);

export function plainNotFound(): AssetResponse {
  return certified(404, 'text/plain', [], NOT_FOUND_SHA256);
}

/**
 * Responses already hashed, by everything that determines them. Certifying a site computes
 * each response once; `http_request` then finds the same response instead of hashing it again
 * for every page load (a SHA-256 costs millions of instructions in the canister). Bounded.
 */
const responses = new Map<string, AssetResponse>();
const RESPONSES_MAX = 20_000;

function certified(
  status: number,
  contentType: string,
  extra: readonly HeaderField[],
  bodySha256: Uint8Array,
): AssetResponse {
  const key = JSON.stringify([status, contentType, extra, bytesToHex(bodySha256)]);
  let response = responses.get(key);
  if (response === undefined) {
    if (responses.size >= RESPONSES_MAX) {
      responses.clear();
    }
    response = hashResponse(status, contentType, extra, bodySha256);
    responses.set(key, response);
  }
  return response;
}

function hashResponse(
  status: number,
  contentType: string,
  extra: readonly HeaderField[],
  bodySha256: Uint8Array,
): AssetResponse {
  const expression = responseExpression(extra.map(([name]) => name));
  const headers: HeaderField[] = [
    ['content-type', contentType],
    ...extra,
    [CERTIFICATE_EXPRESSION_HEADER, expression],
  ];
  return {
    status,
    headers,
    expression,
    expressionHash: textHash(expression),
    // Only the body's hash is at hand: a large asset is never joined in memory.
    responseHash: responseHash(status, headers, bodySha256, { bodyIsHash: true }),
  };
}
