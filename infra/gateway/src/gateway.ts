import { Actor, type ActorSubclass, type HttpAgent } from '@dfinity/agent';
import type { CitadelError } from '@citadel/protocol';
import { isCitadelError } from '@citadel/protocol';
import type { Principal } from '@dfinity/principal';
import {
  type CanisterHttpRequest,
  type CanisterHttpResponse,
  type HeaderField,
  type HttpCanisterActor,
  httpInterface,
} from './canister/http-interface.js';
import { GATEWAY_ERROR_STATUS, GatewayErrorCode, gatewayError } from './errors.js';
import { type CachedResponse, ResponseCache } from './cache/response-cache.js';
import { errorPage } from './pages/error-page.js';
import {
  type CanisterTarget,
  type RoutingOptions,
  canisterTarget,
  hostnameOf,
} from './routing/canister-target.js';
import { certificateTimeNs } from './verification/certificate-time.js';
import { type VerifiedResponse, verifyResponse } from './verification/verify-response.js';

/**
 * The HTTP gateway as a fetch-style handler: finds the canister a request is for, asks its
 * `http_request` (and `http_request_update` when it says so), collects streamed bodies or
 * fetches `206` ranges piece by piece, verifies every response against the root key, and only
 * then answers the browser. Verification failures become a 503 page naming the reason; the
 * refused bytes are never sent.
 */

export interface GatewayOptions {
  /** An agent for the network (its root key fetched or configured). */
  readonly agent: HttpAgent;
  /** The network's root public key (DER) that certificates must chain to. */
  readonly rootKey: Uint8Array;
  readonly routing?: RoutingOptions;
  /** Most bytes a streamed body may have: it is verified only once complete. @default 50 MiB */
  readonly maxStreamedBodyBytes?: number;
  /** Most bytes of a request body passed to a canister. @default 2 MiB */
  readonly maxRequestBodyBytes?: number;
  /** How long one canister call may take before the browser gets a 504. @default 30 000 ms */
  readonly callTimeoutMs?: number;
  /** One line per request (access log) and per refusal. */
  readonly log?: (line: string) => void;
  /** The clock certificates are checked against, in ns. @default Date.now() */
  readonly nowNs?: () => bigint;
  /**
   * Serve canisters that only certify v1 (the body, not status or headers), marked with
   * `x-citadel-verification: body only (v1)`. @default false: such answers are refused
   */
  readonly acceptV1?: boolean;
  /**
   * Keep verified responses this long (never past their certificate's freshness); 0 turns
   * the cache off. @default 2 000 ms
   */
  readonly cacheTtlMs?: number;
}

export interface Gateway {
  fetch(request: Request): Promise<Response>;
  /**
   * The answer to a GET or HEAD that the cache of verified responses holds, without building
   * a Fetch request (for servers that can skip that: `startReplica`'s frontend); undefined
   * when the request has to go through {@link Gateway.fetch}.
   */
  quickAnswer(request: QuickRequest): QuickAnswer | undefined;
}

/** A request as {@link Gateway.quickAnswer} sees it. */
export interface QuickRequest {
  readonly method: 'GET' | 'HEAD';
  /** Path and query, as sent. */
  readonly target: string;
  readonly header: (name: string) => string | undefined;
}

/** A complete answer: status, headers and body (none for HEAD and 304). */
export interface QuickAnswer {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Uint8Array | undefined;
}

const MIB = 1024 * 1024;
/** Answered by the gateway itself, whatever the host. */
export const HEALTH_PATH = '/_citadel/gateway/health';
/** Headers the browser never sees: the certificate itself, and hop-by-hop framing. */
const HIDDEN_HEADERS = new Set([
  'ic-certificate',
  'ic-certificateexpression',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
]);

export function createGateway(options: GatewayOptions): Gateway {
  const log = options.log ?? (() => {});
  const nowNs = options.nowNs ?? (() => BigInt(Date.now()) * 1_000_000n);
  const maxStreamed = options.maxStreamedBodyBytes ?? 50 * MIB;
  const maxRequestBody = options.maxRequestBodyBytes ?? 2 * MIB;
  const callTimeoutMs = options.callTimeoutMs ?? 30_000;
  const actors = new Map<string, ActorSubclass<HttpCanisterActor>>();
  const cacheTtlMs = options.cacheTtlMs ?? 2_000;
  const cache = cacheTtlMs > 0 ? new ResponseCache({ ttlMs: cacheTtlMs }) : undefined;
  /** Fetches under way for cacheable requests, by cache key. */
  const inFlight = new Map<string, Promise<CachedResponse | undefined>>();

  function actorFor(canisterId: Principal): ActorSubclass<HttpCanisterActor> {
    const key = canisterId.toText();
    let actor = actors.get(key);
    if (actor === undefined) {
      actor = Actor.createActor<HttpCanisterActor>(httpInterface, {
        agent: options.agent,
        canisterId,
      });
      actors.set(key, actor);
    }
    return actor;
  }

  /** Custom domains the canister has confirmed, with when to ask again. */
  const confirmedDomains = new Map<string, number>();

  /**
   * A custom domain is served only if the canister lists it in its (verified)
   * `/.well-known/ic-domains`, as on the IC: a name pointed at a canister does not make the
   * canister answer for it.
   */
  async function checkDomainListed(target: CanisterTarget, hostname: string): Promise<void> {
    const key = `${target.canisterId.toText()} ${hostname}`;
    const nowMs = Number(nowNs() / 1_000_000n);
    if ((confirmedDomains.get(key) ?? 0) > nowMs) {
      return;
    }
    const actor = actorFor(target.canisterId);
    const listRequest: CanisterHttpRequest = {
      method: 'GET',
      url: '/.well-known/ic-domains',
      headers: [],
      body: new Uint8Array(0),
      certificate_version: [2],
    };
    const answer = await callCanister(() => actor.http_request(listRequest), callTimeoutMs);
    const listed = verifyResponse(
      { url: listRequest.url, method: 'GET', headers: [], body: listRequest.body },
      {
        status: answer.status_code,
        headers: answer.headers,
        body: await streamedBody(actor, target, answer),
      },
      { canisterId: target.canisterId.toUint8Array(), rootKey: options.rootKey, nowNs: nowNs() },
    );
    const domains = new TextDecoder()
      .decode(listed.body)
      .split(/\r?\n/)
      .map((line) => line.trim().toLowerCase());
    if (listed.status !== 200 || !domains.includes(hostname)) {
      throw gatewayError(
        GatewayErrorCode.DOMAIN_NOT_LISTED,
        `${hostname} points at canister ${target.canisterId.toText()}, but the canister does not list it in /.well-known/ic-domains.`,
        { domain: hostname },
      );
    }
    confirmedDomains.set(key, nowMs + DOMAIN_CHECK_TTL_MS);
  }

  async function handle(request: Request, url: URL, target: CanisterTarget): Promise<Response> {
    if (target.via === 'custom-domain') {
      await checkDomainListed(target, hostnameOf(request.headers.get('host') ?? url.host));
    }
    const key = cacheKey(
      request.method,
      url.pathname + url.search,
      (name) => request.headers.get(name) ?? undefined,
      target,
    );
    const nowMs = Number(nowNs() / 1_000_000n);
    const cached = key === undefined ? undefined : cache?.get(key, nowMs);
    if (cached !== undefined) {
      return toBrowser(request, fromCache(cached));
    }
    // Identical requests that miss together share one fetch: when an entry expires under load,
    // one query reaches the canister instead of one per connection.
    const leader = key === undefined || cache === undefined ? undefined : inFlight.get(key);
    if (leader !== undefined) {
      const shared = await leader;
      if (shared !== undefined) {
        return toBrowser(request, fromCache(shared));
      }
    }
    let share: (response: CachedResponse | undefined) => void = () => {};
    if (key !== undefined && cache !== undefined && leader === undefined) {
      inFlight.set(
        key,
        new Promise((resolve) => {
          share = resolve;
        }),
      );
    }
    try {
      return await fetchAndVerify(request, url, target, key, nowMs, share);
    } finally {
      share(undefined);
      if (key !== undefined && leader === undefined) {
        inFlight.delete(key);
      }
    }
  }

  async function fetchAndVerify(
    request: Request,
    url: URL,
    target: CanisterTarget,
    key: string | undefined,
    nowMs: number,
    share: (response: CachedResponse | undefined) => void,
  ): Promise<Response> {
    const actor = actorFor(target.canisterId);
    const body = await readBody(request, maxRequestBody);
    const canisterRequest: CanisterHttpRequest = {
      method: request.method,
      url: url.pathname + url.search,
      headers: requestHeaders(request, url),
      body,
      certificate_version: [2],
    };
    let answer = await callCanister(() => actor.http_request(canisterRequest), callTimeoutMs);
    if (answer.upgrade[0] === true) {
      // Answers of update calls are certified by consensus: the agent checked the certificate.
      const update = {
        method: canisterRequest.method,
        url: canisterRequest.url,
        headers: canisterRequest.headers,
        body: canisterRequest.body,
      };
      answer = await callCanister(() => actor.http_request_update(update), callTimeoutMs);
      if (answer.streaming_strategy.length > 0) {
        // The rest would come from queries that nothing certifies.
        throw gatewayError(
          GatewayErrorCode.MALFORMED_RESPONSE,
          'The canister streamed the answer of an update call, which the gateway cannot verify.',
        );
      }
      return toBrowser(request, answer);
    }
    if (target.raw) {
      const raw = await streamedBody(actor, target, answer);
      return toBrowser(request, { ...answer, body: raw }, { raw: true });
    }
    const verify = (req: CanisterHttpRequest, res: CanisterHttpResponse, body: Uint8Array) =>
      verifyResponse(
        { url: req.url, method: req.method, headers: req.headers, body: req.body },
        { status: res.status_code, headers: res.headers, body },
        {
          canisterId: target.canisterId.toUint8Array(),
          rootKey: options.rootKey,
          nowNs: nowNs(),
          acceptV1: options.acceptV1 === true,
        },
      );
    const ranged =
      answer.status_code === 206 && header(canisterRequest.headers, 'range') === undefined;
    if (ranged) {
      return rangedToBrowser(request, actor, canisterRequest, answer, verify);
    }
    const verified = verify(canisterRequest, answer, await streamedBody(actor, target, answer));
    if (key !== undefined && cache !== undefined && isCacheable(verified)) {
      const certifiedAtNs = certificateTimeNs(answer.headers);
      if (certifiedAtNs !== undefined) {
        const freshUntilMs = Number((certifiedAtNs + MAX_CERTIFICATE_AGE_NS) / 1_000_000n);
        cache.set(key, verified, nowMs, freshUntilMs);
        share(verified);
      }
    }
    return toBrowser(request, verifiedAnswer(verified), { v1: verified.version < 2 });
  }

  /** Collects a streamed body through the callback, up to the limit. */
  async function streamedBody(
    actor: ActorSubclass<HttpCanisterActor>,
    target: CanisterTarget,
    answer: CanisterHttpResponse,
  ): Promise<Uint8Array> {
    const strategy = answer.streaming_strategy[0];
    if (strategy === undefined) {
      return answer.body;
    }
    const [callbackCanister] = strategy.Callback.callback;
    if (callbackCanister.toText() !== target.canisterId.toText()) {
      throw gatewayError(
        GatewayErrorCode.MALFORMED_RESPONSE,
        'The canister asked the gateway to stream its body from another canister.',
        { callbackCanister: callbackCanister.toText() },
      );
    }
    const parts = [answer.body];
    let total = answer.body.length;
    let token = strategy.Callback.token as typeof strategy.Callback.token | undefined;
    while (token !== undefined) {
      const next = await callCanister(
        () => actor.http_request_streaming_callback(token as never),
        callTimeoutMs,
      );
      total += next.body.length;
      if (total > maxStreamed) {
        throw gatewayError(
          GatewayErrorCode.BODY_TOO_LARGE,
          `The streamed body is larger than ${maxStreamed} bytes, the most this gateway verifies.`,
          { limit: maxStreamed },
        );
      }
      parts.push(next.body);
      token = next.token[0];
    }
    return concat(parts, total);
  }

  /**
   * A `206` answer to a request without `Range`: the canister serves the asset in certified
   * pieces. Each next piece is asked for with `Range: bytes=<start>-` and verified before it
   * is passed on; the browser gets one `200` with the whole length. A piece that fails
   * verification ends the transfer with an error, so no unverified byte goes out.
   */
  async function rangedToBrowser(
    request: Request,
    actor: ActorSubclass<HttpCanisterActor>,
    canisterRequest: CanisterHttpRequest,
    first: CanisterHttpResponse,
    verify: (
      req: CanisterHttpRequest,
      res: CanisterHttpResponse,
      body: Uint8Array,
    ) => VerifiedResponse,
  ): Promise<Response> {
    const head = verify(canisterRequest, first, first.body);
    const range = parseContentRange(header(head.headers, 'content-range'));
    if (range === undefined || range.start !== 0) {
      throw gatewayError(
        GatewayErrorCode.MALFORMED_RESPONSE,
        'The canister answered with a partial body the gateway cannot continue.',
        { contentRange: header(head.headers, 'content-range') },
      );
    }
    const total = range.total;
    let next = range.end + 1;
    const headers = new Headers(
      visibleHeaders(head.headers).filter(([name]) => name.toLowerCase() !== 'content-range'),
    );
    headers.set('content-length', String(total));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(head.body);
        if (next >= total) {
          controller.close();
        }
      },
      async pull(controller) {
        try {
          const pieceRequest: CanisterHttpRequest = {
            ...canisterRequest,
            headers: [
              ...canisterRequest.headers.filter(([name]) => name.toLowerCase() !== 'range'),
              ['range', `bytes=${next}-`],
            ],
          };
          const answer = await callCanister(() => actor.http_request(pieceRequest), callTimeoutMs);
          const piece = verify(pieceRequest, answer, answer.body);
          const pieceRange = parseContentRange(header(piece.headers, 'content-range'));
          if (pieceRange === undefined || pieceRange.start !== next || pieceRange.total !== total) {
            throw gatewayError(
              GatewayErrorCode.MALFORMED_RESPONSE,
              'A piece of a ranged body does not continue where the previous one ended.',
              { expectedStart: next, contentRange: header(piece.headers, 'content-range') },
            );
          }
          controller.enqueue(piece.body);
          next = pieceRange.end + 1;
          if (next >= total) {
            controller.close();
          }
        } catch (error) {
          logRefusal(request, error);
          controller.error(error);
        }
      },
    });
    return new Response(request.method === 'HEAD' ? null : stream, { status: 200, headers });
  }

  function toBrowser(
    request: Request,
    answer: { status_code: number; headers: HeaderField[]; body: Uint8Array },
    flags: { raw?: boolean; v1?: boolean } = {},
  ): Response {
    const browser = browserAnswer(
      request.method,
      request.headers.get('if-none-match') ?? undefined,
      answer,
      flags,
    );
    return new Response(browser.body ?? null, {
      status: browser.status,
      headers: browser.headers as [string, string][],
    });
  }

  /** 200 when the replica answers its status request, else 503; JSON either way. */
  async function health(): Promise<Response> {
    const json = (status: number, body: Record<string, unknown>) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      });
    try {
      await options.agent.status();
      return json(200, { status: 'ok', replica: 'reachable', cachedResponses: cache?.size ?? 0 });
    } catch (error) {
      return json(503, {
        status: 'unavailable',
        replica: 'unreachable',
        reason: error instanceof Error ? firstLine(error.message) : String(error),
      });
    }
  }

  function logRefusal(request: Request, error: unknown): void {
    const code = isCitadelError(error) ? error.code : 'GATEWAY_INTERNAL';
    const message = error instanceof Error ? error.message : String(error);
    log(`gateway refused ${request.method} ${request.url}: ${code} ${message}`);
  }

  return {
    quickAnswer(request: QuickRequest): QuickAnswer | undefined {
      if (cache === undefined || cache.size === 0 || !request.target.startsWith('/')) {
        return undefined;
      }
      const host = request.header('host');
      const url = URL.parse(`http://${host ?? 'localhost'}${request.target}`);
      const target = url === null ? undefined : canisterTarget(url, host, options.routing);
      // Custom domains are re-confirmed on the normal path.
      if (url === null || target === undefined || target.via === 'custom-domain') {
        return undefined;
      }
      const key = cacheKey(request.method, url.pathname + url.search, request.header, target);
      const cached = key === undefined ? undefined : cache.get(key, Number(nowNs() / 1_000_000n));
      if (cached === undefined) {
        return undefined;
      }
      const answer = browserAnswer(
        request.method,
        request.header('if-none-match'),
        fromCache(cached),
      );
      log(
        `${request.method} ${target.canisterId.toText()} ${url.pathname}${url.search} ${answer.status} cached`,
      );
      return answer;
    },
    async fetch(request: Request): Promise<Response> {
      const started = performance.now();
      const url = new URL(request.url);
      if (url.pathname === HEALTH_PATH) {
        return health();
      }
      const target = canisterTarget(url, request.headers.get('host') ?? undefined, options.routing);
      let response: Response;
      try {
        if (target === undefined) {
          throw gatewayError(
            GatewayErrorCode.NO_CANISTER,
            `${url.host} names no canister. Open http://<canister-id>.localhost${url.port === '' ? '' : `:${url.port}`}/ or add ?canisterId=<canister-id>.`,
          );
        }
        response = await handle(request, url, target);
      } catch (error) {
        logRefusal(request, error);
        response = refusal(error, target, url);
      }
      log(
        `${request.method} ${target?.canisterId.toText() ?? '-'} ${url.pathname}${url.search} ${response.status} ${Math.round(performance.now() - started)}ms`,
      );
      return response;
    },
  };
}

/** How long a canister's listing of a custom domain is trusted before it is read again. */
const DOMAIN_CHECK_TTL_MS = 60_000;

/** A certificate older than this is refused by verification, and never served from cache. */
const MAX_CERTIFICATE_AGE_NS = 300_000_000_000n;

/**
 * What identifies a cacheable request: GET or HEAD on a certified domain, without
 * credentials, keyed by the URL and the request headers asset canisters answer differently to.
 */
function cacheKey(
  method: string,
  target: string,
  header: (name: string) => string | undefined,
  canister: CanisterTarget,
): string | undefined {
  const idempotent = method === 'GET' || method === 'HEAD';
  const personal = header('authorization') !== undefined || header('cookie') !== undefined;
  if (!idempotent || personal || canister.raw) {
    return undefined;
  }
  return [
    canister.canisterId.toText(),
    target,
    header('accept-encoding') ?? '',
    header('range') ?? '',
  ].join('\n');
}

function isCacheable(verified: VerifiedResponse): boolean {
  const control = verified.headers.find(([name]) => name.toLowerCase() === 'cache-control')?.[1];
  return verified.version >= 2 && !/no-store|private/i.test(control ?? '');
}

function fromCache(cached: CachedResponse) {
  return { status_code: cached.status, headers: [...cached.headers], body: cached.body };
}

function verifiedAnswer(verified: VerifiedResponse) {
  return { status_code: verified.status, headers: verified.headers, body: verified.body };
}

/** Runs a canister call, turning agent failures into gateway errors. */
async function callCanister<T>(call: () => Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          gatewayError(
            GatewayErrorCode.CANISTER_TIMEOUT,
            `The canister did not answer within ${timeoutMs / 1000} s.`,
            { timeoutMs },
          ),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([call(), timeout]);
  } catch (error) {
    throw classifyCallError(error);
  } finally {
    clearTimeout(timer);
  }
}

function classifyCallError(error: unknown): CitadelError {
  if (isCitadelError(error)) {
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/IC0301|canister not found|does not exist|destination invalid/i.test(message)) {
    return gatewayError(
      GatewayErrorCode.CANISTER_NOT_FOUND,
      'No canister with this id exists on the network.',
      {},
      error,
    );
  }
  if (/reject|IC0\d\d\d|trapped|Canister/i.test(message)) {
    return gatewayError(
      GatewayErrorCode.CANISTER_REJECTED,
      `The canister could not answer: ${firstLine(message)}`,
      {},
      error,
    );
  }
  return gatewayError(
    GatewayErrorCode.REPLICA_UNAVAILABLE,
    `The network could not be reached: ${firstLine(message)}`,
    {},
    error,
  );
}

function refusal(error: unknown, target: CanisterTarget | undefined, url: URL): Response {
  const citadel = isCitadelError(error) ? error : undefined;
  const code = (citadel?.code ?? 'GATEWAY_INTERNAL') as GatewayErrorCode;
  const status = GATEWAY_ERROR_STATUS[code]?.status ?? 500;
  const message = citadel?.message ?? 'The gateway failed unexpectedly; see its log.';
  return new Response(
    errorPage({
      status,
      code,
      message,
      canisterId: target?.canisterId.toText(),
      path: url.pathname,
    }),
    {
      status,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'x-citadel-error': code,
      },
    },
  );
}

/**
 * The headers the canister gets: the browser's, with `host` always present (a fetch-style
 * `Request` keeps it in the URL; canisters read it, e.g. to tell raw domains apart).
 */
function requestHeaders(request: Request, url: URL): HeaderField[] {
  const headers: HeaderField[] = [...request.headers].map(([name, value]) => [name, value]);
  if (!request.headers.has('host')) {
    headers.unshift(['host', url.host]);
  }
  return headers;
}

/**
 * What the browser gets for a passed answer: the certified headers (minus the certificate and
 * framing), a verification mark where there is less than v2, `304` for a matching
 * `If-None-Match` on the certified ETag, and no body for HEAD.
 */
function browserAnswer(
  method: string,
  ifNoneMatch: string | undefined,
  answer: { status_code: number; headers: readonly HeaderField[]; body: Uint8Array },
  flags: { raw?: boolean; v1?: boolean } = {},
): QuickAnswer {
  const headers = visibleHeaders(answer.headers);
  if (flags.raw === true) {
    headers.push(['x-citadel-verification', 'none (raw domain)']);
  } else if (flags.v1 === true) {
    headers.push(['x-citadel-verification', 'body only (v1)']);
  }
  const etag = header(headers, 'etag');
  if (
    answer.status_code === 200 &&
    etag !== undefined &&
    ifNoneMatch !== undefined &&
    matchesEtag(ifNoneMatch, etag)
  ) {
    return { status: 304, headers, body: undefined };
  }
  headers.push(['content-length', String(answer.body.length)]);
  return {
    status: answer.status_code,
    headers,
    body: method === 'HEAD' ? undefined : answer.body,
  };
}

/** The headers a browser may see: all but the certificate and hop-by-hop framing. */
function visibleHeaders(fields: readonly HeaderField[]): HeaderField[] {
  return fields.filter(([name]) => !HIDDEN_HEADERS.has(name.toLowerCase()));
}

function header(fields: readonly HeaderField[], name: string): string | undefined {
  return fields.find(([key]) => key.toLowerCase() === name)?.[1];
}

function parseContentRange(value: string | undefined) {
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(value?.trim() ?? '');
  if (match === null) {
    return undefined;
  }
  const [start, end, total] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return end >= start && end < total ? { start, end, total } : undefined;
}

function matchesEtag(condition: string, etag: string): boolean {
  return condition
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}

async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  if (request.body === null) {
    return new Uint8Array(0);
  }
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) {
    throw gatewayError(
      GatewayErrorCode.REQUEST_TOO_LARGE,
      `Request bodies are limited to ${limit} bytes.`,
      { limit },
    );
  }
  const parts: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    total += chunk.value.length;
    if (total > limit) {
      await reader.cancel();
      throw gatewayError(
        GatewayErrorCode.REQUEST_TOO_LARGE,
        `Request bodies are limited to ${limit} bytes.`,
        { limit },
      );
    }
    parts.push(chunk.value);
  }
  return concat(parts, total);
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) {
    return parts[0] as Uint8Array;
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}
