import type { CertificationTree, ExpressionPath } from '../certification/certification-tree.js';
import { expressionLabels } from '../certification/certification-tree.js';
import { certificateHeader } from '../certification/certificate-header.js';
import { decodedPath, pathSegments } from '../certification/request-path.js';
import type { HeaderField } from '../certification/response-hash.js';
import type { AssetReader } from '../state/asset-view.js';
import type { Asset, AssetEncoding } from '../state/types.js';
import {
  type AssetResponse,
  NOT_FOUND_BODY,
  assetResponse,
  chunkResponse,
  plainNotFound,
} from './asset-response.js';
import { ROOT_WILDCARD, type SiteOptions, fallbackOf, servesRanges } from './site-certification.js';

/**
 * `http_request` of the asset canister (HTTP gateway protocol): finds the asset for the
 * request path (aliases included), picks an encoding the client accepts, and attaches the
 * certificate for exactly the response sent — v2 when the gateway asks for it, v1 otherwise.
 * A large encoding whose chunk hashes are known is served to v2 gateways as `206` ranges, each
 * verifiable on its own (see `chunkResponse`); others stream whole-body-certified chunks. Paths that match nothing get the site's
 * fallback, certified at the root wildcard. Bodies larger than one chunk continue through
 * `http_request_streaming_callback`.
 */

export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: readonly HeaderField[];
  readonly body: Uint8Array;
  /** The highest certification version the gateway verifies; absent means v1. */
  readonly certificateVersion?: number | undefined;
}

export interface StreamingToken {
  readonly key: string;
  readonly content_encoding: string;
  readonly index: bigint;
  readonly sha256: Uint8Array;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: HeaderField[];
  readonly body: Uint8Array;
  /** Set when the body continues in later chunks. */
  readonly streamingToken?: StreamingToken;
}

/** What `http_request` reads: the site, its certification, and the data certificate. */
export interface HttpContext {
  readonly store: AssetReader;
  readonly tree: CertificationTree;
  readonly options: SiteOptions;
  /** `ic0.data_certificate` of this query. */
  readonly certificate: Uint8Array;
}

/** Server preference among encodings a client accepts; identity is always acceptable. */
const PREFERRED_ENCODINGS = ['br', 'gzip', 'deflate', 'identity'];
const EMPTY = new Uint8Array(0);
const utf8 = new TextEncoder();

export function httpRequest(request: HttpRequest, context: HttpContext): HttpResponse {
  const path = decodedPath(request.url);
  if (path === undefined) {
    return plain(400, `bad request: the URL ${request.url} is not correctly percent-encoded`);
  }
  const v2 = (request.certificateVersion ?? 1) >= 2;
  const asset = context.store.resolve(path);
  if (asset !== undefined && asset.encodings.size > 0) {
    const host = header(request, 'host');
    if (asset.allowRawAccess === false && host?.includes('.raw.') === true) {
      return rawRedirect(host, request.url);
    }
    const encoding = chooseEncoding(asset, header(request, 'accept-encoding'));
    const at: ExpressionPath = { segments: pathSegments(path), wildcard: false };
    const chunk =
      v2 && servesRanges(encoding) ? chunkIndex(encoding, header(request, 'range')) : undefined;
    if (chunk !== undefined) {
      const response = chunkResponse(asset, encoding, chunk, context.options);
      return {
        status: 206,
        headers: [
          ...response.headers,
          ['IC-Certificate', v2Header(context, path, at, response, response.requestHash)],
        ],
        body: encoding.chunks[chunk] as Uint8Array,
      };
    }
    return respond(
      context,
      path,
      at,
      asset,
      encoding,
      assetResponse(asset, encoding, 200, context.options),
      v2,
      [path],
    );
  }
  const fallback = fallbackOf(context.store, context.options);
  if (fallback.kind === 'plain') {
    const response = plainNotFound();
    const headers = [...response.headers];
    if (v2) {
      headers.push(['IC-Certificate', v2Header(context, path, ROOT_WILDCARD, response)]);
    }
    return { status: 404, headers, body: NOT_FOUND_BODY };
  }
  const page = context.store.exact(fallback.key) as Asset;
  const encoding = chooseEncoding(page, header(request, 'accept-encoding'));
  const response = assetResponse(page, encoding, fallback.status, context.options);
  // v1 can only vouch for the single-page fallback (index.html for every unknown path).
  const v1Paths = fallback.status === 200 ? [path, fallback.key] : undefined;
  return respond(context, path, ROOT_WILDCARD, page, encoding, response, v2, v1Paths);
}

/** `http_request_streaming_callback`: chunk `index` and the token of the next one, if any. */
export function streamingCallback(
  token: StreamingToken,
  store: AssetReader,
): { readonly body: Uint8Array; readonly token: StreamingToken | undefined } {
  const index = Number(token.index);
  const body = store.getChunk(token.key, token.content_encoding, index, token.sha256);
  const { encoding } = store.get(token.key, [token.content_encoding]);
  return {
    body,
    token: index + 1 < encoding.chunks.length ? { ...token, index: token.index + 1n } : undefined,
  };
}

function respond(
  context: HttpContext,
  path: string,
  at: ExpressionPath,
  asset: Asset,
  encoding: AssetEncoding,
  response: AssetResponse,
  v2: boolean,
  v1Paths: readonly string[] | undefined,
): HttpResponse {
  const headers = [...response.headers];
  if (v2) {
    headers.push(['IC-Certificate', v2Header(context, path, at, response)]);
  } else if (v1Paths !== undefined) {
    headers.push([
      'IC-Certificate',
      certificateHeader({
        certificate: context.certificate,
        tree: context.tree.v1Witness(v1Paths),
      }),
    ]);
  }
  const first = encoding.chunks[0] ?? EMPTY;
  return {
    status: response.status,
    headers,
    body: first,
    ...(encoding.chunks.length > 1
      ? {
          streamingToken: {
            key: asset.key,
            content_encoding: encoding.contentEncoding,
            index: 1n,
            sha256: encoding.sha256,
          },
        }
      : {}),
  };
}

function v2Header(
  context: HttpContext,
  path: string,
  at: ExpressionPath,
  response: AssetResponse,
  requestHash?: Uint8Array,
): string {
  return certificateHeader({
    certificate: context.certificate,
    tree: context.tree.v2Witness(
      path,
      at,
      response.expressionHash,
      response.responseHash,
      requestHash,
    ),
    expressionPath: expressionLabels(at),
  });
}

/**
 * Which chunk a range request asks for: none given means the first; `bytes=<start>-` at a chunk
 * boundary means that chunk. Any other range (not at a boundary, with an end, several ranges)
 * gets the whole body instead, which HTTP allows and which is certified.
 */
function chunkIndex(encoding: AssetEncoding, range: string | undefined): number | undefined {
  if (range === undefined) {
    return 0;
  }
  const match = /^bytes=(\d+)-$/.exec(range.trim());
  const chunkLength = (encoding.chunks[0] as Uint8Array).length;
  if (match === null) {
    return undefined;
  }
  const start = Number(match[1]);
  const index = start / chunkLength;
  return Number.isInteger(index) && index < encoding.chunks.length ? index : undefined;
}

/** The encoding to send: the server's favourite among those the client accepts. */
export function chooseEncoding(asset: Asset, acceptEncoding: string | undefined): AssetEncoding {
  const accepted = new Set<string>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name = '', ...parameters] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const refused = parameters.some((p) => /^q=0(\.0*)?$/.test(p));
    if (name !== '' && !refused) {
      accepted.add(name);
    }
  }
  for (const name of PREFERRED_ENCODINGS) {
    const encoding = asset.encodings.get(name);
    if (
      encoding !== undefined &&
      (name === 'identity' || accepted.has(name) || accepted.has('*'))
    ) {
      return encoding;
    }
  }
  // Nothing acceptable: send what there is (a gateway can still decode it).
  return (
    asset.encodings.get('identity') ?? (asset.encodings.values().next().value as AssetEncoding)
  );
}

function header(request: HttpRequest, name: string): string | undefined {
  return request.headers.find(([key]) => key.toLowerCase() === name)?.[1];
}

function plain(status: number, text: string): HttpResponse {
  return { status, headers: [['content-type', 'text/plain']], body: utf8.encode(text) };
}

/** Raw (uncertified) access turned off: send the browser to the certified domain. */
function rawRedirect(host: string, url: string): HttpResponse {
  const certifiedHost = host.replace('.raw.', '.');
  const scheme = /(^|\.)localhost(:\d+)?$/.test(certifiedHost) ? 'http' : 'https';
  return {
    status: 308,
    headers: [['location', `${scheme}://${certifiedHost}${url}`]],
    body: EMPTY,
  };
}
