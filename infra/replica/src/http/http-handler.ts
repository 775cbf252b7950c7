import type { CborMap, CborValue } from '@citadel/protocol';
import {
  CitadelError,
  PRINCIPAL_MAX_BYTES,
  bytesToHex,
  decodeCbor,
  encodeCbor,
  principalFromText,
  principalToText,
} from '@citadel/protocol';
import { IngressError, IngressErrorCode, validateEnvelope } from '../auth/index.js';
import type { CallContent, QueryContent, ValidatedRequest } from '../auth/index.js';
import type { SignatureVerifier } from '@citadel/protocol';
import type { LabelPath } from '../certification/certifier.js';
import type { LocalNetwork } from '../network.js';
import type { Reject } from '../state/reject.js';
import { HttpError, HttpErrorCode } from './http-error.js';
import { signQueryResponse } from './query-signature.js';

/** Largest request body accepted, before CBOR decoding (ingress limit 2 MiB plus envelope room). */
export const MAX_REQUEST_BODY_BYTES = 2 * 1024 * 1024 + 64 * 1024;
/** How long a v3 call waits for its answer before it answers 202 (IC default, ic-protocol.md §1.4). */
export const SYNC_CALL_TIMEOUT_MS = 10_000;
/** Implementation version reported by `/api/v2/status`. */
export const IMPL_VERSION = 'citadel-0.1.0';

/** Dependencies of the HTTP interface. */
export interface HttpHandlerOptions {
  readonly network: LocalNetwork;
  readonly verifier: SignatureVerifier;
  /** Wall clock in ns, for ingress-expiry checks. */
  readonly clockNs?: () => bigint;
  readonly syncCallTimeoutMs?: number;
  /** Logs unexpected failures in full; clients only ever see a generic message for those. */
  readonly log?: (line: string) => void;
}

const CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'Authorization, Accept, Content-Type',
  'access-control-max-age': '7200',
};

const cbor = (value: CborValue, status = 200): Response =>
  new Response(encodeCbor(value), {
    status,
    headers: { 'content-type': 'application/cbor', ...CORS_HEADERS },
  });

/** Plain-text answer as the IC gives it; refusals also name their stable code in a header. */
const text = (status: number, message: string, code?: string): Response =>
  new Response(message, {
    status,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      ...(code ? { 'x-citadel-error-code': code } : {}),
      ...CORS_HEADERS,
    },
  });

const rejectFields = (reject: Reject): CborMap => ({
  reject_code: reject.code,
  reject_message: reject.message,
  error_code: reject.errorCode,
});

const ROUTE = /^\/api\/(v2|v3)\/(canister|subnet)\/([^/]+)\/(call|query|read_state)$/;

/**
 * The replica's HTTP interface as a Web-standard handler (interface spec "HTTPS Interface").
 * Canister-level failures are 200 CBOR rejects; malformed or unauthorised requests get the
 * IC's HTTP status and a plain-text reason.
 */
export function createHttpHandler(
  options: HttpHandlerOptions,
): (request: Request) => Promise<Response> {
  const { network } = options;
  const clockNs = options.clockNs ?? (() => BigInt(Date.now()) * 1_000_000n);
  const log = options.log ?? (() => {});
  const syncTimeoutMs = options.syncCallTimeoutMs ?? SYNC_CALL_TIMEOUT_MS;

  async function route(request: Request): Promise<Response> {
    const url = new URL(request.url);
    // Refused on the headers alone, before a byte of the body is read.
    const declared = declaredLength(request);
    if (declared !== null && declared > MAX_REQUEST_BODY_BYTES) {
      throw tooLarge(`of ${declared} bytes (its content-length)`);
    }
    if (request.method === 'OPTIONS') {
      return new Response(null, { status: 204, headers: CORS_HEADERS });
    }
    if (url.pathname === '/api/v2/status') {
      if (request.method !== 'GET') {
        throw new HttpError(405, HttpErrorCode.METHOD_NOT_ALLOWED, 'Use GET for /api/v2/status.');
      }
      return cbor({
        ic_api_version: '0.18.0',
        impl_version: IMPL_VERSION,
        root_key: network.keys.rootKeyDer,
        replica_health_status: 'healthy',
        certified_height: network.latestCertifiedState?.height ?? 0,
      });
    }
    if (url.pathname === '/_citadel/status' && request.method === 'GET') {
      return Response.json(statusJson(network, url.origin), { headers: CORS_HEADERS });
    }
    const match = ROUTE.exec(url.pathname);
    if (!match) {
      throw notFound(url.pathname);
    }
    const [, version, scope, idText, endpoint] = match as unknown as [
      string,
      'v2' | 'v3',
      string,
      string,
      string,
    ];
    if (request.method !== 'POST') {
      throw new HttpError(405, HttpErrorCode.METHOD_NOT_ALLOWED, `Use POST for ${url.pathname}.`);
    }
    if (scope === 'subnet' && endpoint !== 'read_state') {
      throw notFound(url.pathname);
    }
    if (version === 'v3' && endpoint !== 'call') {
      throw notFound(url.pathname);
    }
    const effectiveId = parsePrincipal(idText);
    const envelope = await readCbor(request);
    if (scope === 'subnet') {
      if (!equal(effectiveId, network.keys.subnetId)) {
        throw new HttpError(
          404,
          HttpErrorCode.NOT_FOUND,
          `Subnet ${principalToText(effectiveId)} is not part of this network.`,
        );
      }
      return readState(envelope, effectiveId, 'subnet');
    }
    switch (endpoint) {
      case 'call':
        return call(envelope, effectiveId, version === 'v3');
      case 'query':
        return query(envelope, effectiveId);
      default:
        return readState(envelope, effectiveId, 'canister');
    }
  }

  function validate(
    envelope: CborValue,
    endpoint: 'call' | 'query' | 'read_state',
    effectiveId: Uint8Array,
  ): ValidatedRequest {
    return validateEnvelope(envelope, {
      endpoint,
      nowNs: clockNs(),
      effectiveCanisterId: effectiveId,
      verifier: options.verifier,
    });
  }

  function checkEffectiveId(canisterId: Uint8Array, effectiveId: Uint8Array): void {
    // Management calls are accepted whatever the effective id (IC http_endpoints behaviour).
    if (canisterId.length !== 0 && !equal(canisterId, effectiveId)) {
      throw new HttpError(
        400,
        HttpErrorCode.EFFECTIVE_CANISTER_ID_MISMATCH,
        `Specified CanisterId ${principalToText(canisterId)} does not match effective canister id in URL ${principalToText(effectiveId)}`,
      );
    }
  }

  /** Validates a call or query and checks its canister against the URL's effective id. */
  function validateCanisterRequest(
    envelope: CborValue,
    endpoint: 'call' | 'query',
    effectiveId: Uint8Array,
  ): { request: ValidatedRequest; content: CallContent | QueryContent } {
    const request = validate(envelope, endpoint, effectiveId);
    const content = request.content;
    // validate() already refused a request_type that does not match the endpoint.
    if (content.requestType === 'read_state') {
      throw new IngressError(
        'input',
        IngressErrorCode.WRONG_REQUEST_TYPE,
        `Malformed request: request_type 'read_state' sent to the ${endpoint} endpoint`,
      );
    }
    checkEffectiveId(content.canisterId, effectiveId);
    return { request, content };
  }

  async function call(
    envelope: CborValue,
    effectiveId: Uint8Array,
    sync: boolean,
  ): Promise<Response> {
    const { request, content } = validateCanisterRequest(envelope, 'call', effectiveId);
    const outcome = network.submitCall({
      requestId: request.requestId,
      sender: request.sender,
      canisterId: content.canisterId,
      method: content.methodName,
      arg: content.arg,
      expiryNs: content.ingressExpiryNs,
    });
    if (outcome.kind === 'refused') {
      return sync
        ? cbor({ status: 'non_replicated_rejection', ...rejectFields(outcome.reject) })
        : cbor(rejectFields(outcome.reject));
    }
    if (!sync) {
      return new Response(null, { status: 202, headers: CORS_HEADERS });
    }
    const state = await network.waitForCertifiedTerminal(request.requestId, syncTimeoutMs);
    if (!state) {
      return text(
        202,
        'The call was accepted but did not finish in time; poll read_state for its status.',
      );
    }
    return cbor({
      status: 'replied',
      certificate: network.callCertificate(state, request.requestId),
    });
  }

  async function query(envelope: CborValue, effectiveId: Uint8Array): Promise<Response> {
    const { request, content } = validateCanisterRequest(envelope, 'query', effectiveId);
    const outcome = await network.query({
      canisterId: content.canisterId,
      method: content.methodName,
      arg: content.arg,
      sender: request.sender,
    });
    const body: CborMap =
      outcome.kind === 'replied'
        ? { status: 'replied', reply: { arg: outcome.data } }
        : { status: 'rejected', ...rejectFields(outcome.reject) };
    const signature = signQueryResponse(network.keys.queryNode, body, request.requestId, clockNs());
    return cbor({ ...body, signatures: [signature] });
  }

  async function readState(
    envelope: CborValue,
    effectiveId: Uint8Array,
    scope: 'canister' | 'subnet',
  ): Promise<Response> {
    const request = validate(envelope, 'read_state', effectiveId);
    if (request.content.requestType !== 'read_state') {
      throw new Error('unreachable: validated read_state content');
    }
    const paths = authorizePaths(request, effectiveId, scope);
    const certificate = await network.readState(paths);
    return cbor({ certificate });
  }

  /** Path rules of the IC's read_state handler (ic-protocol.md §1.7, pitfall 22). */
  function authorizePaths(
    request: ValidatedRequest,
    effectiveId: Uint8Array,
    scope: 'canister' | 'subnet',
  ): LabelPath[] {
    if (request.content.requestType !== 'read_state') {
      return [];
    }
    let requestId: Uint8Array | null = null;
    for (const path of request.content.paths) {
      const head = path[0] ? new TextDecoder().decode(path[0]) : '';
      switch (head) {
        case 'time':
        case 'subnet':
        case 'api_boundary_nodes':
          if (head === 'time' && path.length !== 1) {
            throw invalidPath();
          }
          break;
        case 'canister': {
          if (scope !== 'canister' || path.length < 3) {
            throw invalidPath();
          }
          const id = path[1] as Uint8Array;
          const leaf = new TextDecoder().decode(path[2]);
          if (!equal(id, effectiveId)) {
            throw new HttpError(
              400,
              HttpErrorCode.EFFECTIVE_CANISTER_ID_MISMATCH,
              `Effective principal id in URL ${principalToText(effectiveId)} does not match requested principal id: ${describePrincipal(id)}.`,
            );
          }
          if (leaf === 'module_hash' || leaf === 'controllers') {
            if (path.length !== 3) {
              throw invalidPath();
            }
          } else if (leaf === 'metadata' && path.length === 4) {
            const name = new TextDecoder().decode(path[3]);
            const canister = network.canisters.get(id);
            const isPrivate =
              canister?.code?.prepared.customSections.has(`icp:private ${name}`) ?? false;
            if (isPrivate && !canister?.controllers.some((c) => equal(c, request.sender))) {
              throw new HttpError(
                403,
                HttpErrorCode.FORBIDDEN,
                `Metadata section ${name} of canister ${principalToText(id)} is private to its controllers.`,
              );
            }
          } else {
            throw invalidPath();
          }
          break;
        }
        case 'request_status': {
          const rid = path[1];
          if (!rid || rid.length !== 32 || path.length > 3) {
            throw new HttpError(
              400,
              HttpErrorCode.INVALID_PATH,
              'A request_status path needs a 32-byte request id.',
            );
          }
          if (requestId && !equal(requestId, rid)) {
            throw new HttpError(
              400,
              HttpErrorCode.INVALID_PATH,
              'All request_status paths of one read_state must name the same request id.',
            );
          }
          requestId = rid;
          const record = network.ingress.get(rid);
          if (record) {
            if (!equal(record.sender, request.sender)) {
              throw new HttpError(
                403,
                HttpErrorCode.FORBIDDEN,
                'The request status was requested by a different sender than the one who submitted the request.',
              );
            }
            if (request.targets && !request.targets.some((t) => equal(t, record.receiver))) {
              throw new HttpError(
                403,
                HttpErrorCode.FORBIDDEN,
                `Canister ${principalToText(record.receiver)} is not one of the delegation targets.`,
              );
            }
          }
          break;
        }
        default:
          throw invalidPath();
      }
    }
    return request.content.paths;
  }

  return async (request: Request): Promise<Response> => {
    try {
      return await route(request);
    } catch (error) {
      if (error instanceof HttpError) {
        return text(error.status, error.message, error.code);
      }
      if (error instanceof IngressError) {
        return text(error.httpStatus, error.message, error.code);
      }
      // Anything else is a bug: log it in full, never leak its text to the client.
      log(
        `internal error on ${request.method} ${request.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      return text(
        500,
        'Internal error in the local network; see the network log for details.',
        HttpErrorCode.INTERNAL,
      );
    }
  };
}

const notFound = (pathname: string): HttpError =>
  new HttpError(
    404,
    HttpErrorCode.NOT_FOUND,
    `No endpoint at ${pathname.slice(0, 200)}; this network serves GET /api/v2/status, POST /api/v2/canister/<id>/call|query|read_state, /api/v3/canister/<id>/call and /api/v2/subnet/<id>/read_state.`,
  );

const invalidPath = (): HttpError =>
  new HttpError(404, HttpErrorCode.INVALID_PATH, 'Invalid path requested.');

async function readCbor(request: Request): Promise<CborValue> {
  const type = request.headers.get('content-type');
  // Media types are case-insensitive (RFC 9110 §8.3.1).
  if (type?.split(';')[0]?.trim().toLowerCase() !== 'application/cbor') {
    throw new HttpError(
      400,
      HttpErrorCode.CONTENT_TYPE,
      'Unexpected content-type, expected application/cbor.',
    );
  }
  const body = await readBody(request);
  try {
    return decodeCbor(body);
  } catch (error) {
    if (error instanceof CitadelError) {
      throw new HttpError(
        400,
        HttpErrorCode.MALFORMED_CBOR,
        `Failed to deserialize cbor request: ${error.message}`,
      );
    }
    throw error;
  }
}

/** The declared `content-length`, or null when absent or not a plain decimal number. */
function declaredLength(request: Request): number | null {
  const value = request.headers.get('content-length')?.trim();
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
}

/**
 * Reads the body into one fresh buffer, refusing with 413 as soon as it grows past
 * {@link MAX_REQUEST_BODY_BYTES}: a body without a declared length (chunked) is never
 * buffered beyond the limit. The stream is released, not cancelled, on refusal: cancelling
 * the Node adapter's stream destroys the socket before the 413 can be sent.
 */
async function readBody(request: Request): Promise<Uint8Array> {
  if (!request.body) {
    return new Uint8Array(0);
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const chunk = await reader.read().catch((): never => {
        throw new HttpError(
          400,
          HttpErrorCode.BODY_INCOMPLETE,
          `The request body ended early after ${total} bytes: the connection closed or its framing broke.`,
        );
      });
      if (chunk.done) {
        break;
      }
      if (!(chunk.value instanceof Uint8Array)) {
        throw new HttpError(400, HttpErrorCode.BODY_INCOMPLETE, 'The request body is not bytes.');
      }
      total += chunk.value.length;
      if (total > MAX_REQUEST_BODY_BYTES) {
        throw tooLarge(`(${total} bytes read so far)`);
      }
      chunks.push(chunk.value);
    }
  } finally {
    reader.releaseLock();
  }
  // Always a copy: Node hands out chunks that are views into shared pool buffers.
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}

const tooLarge = (detail: string): HttpError =>
  new HttpError(
    413,
    HttpErrorCode.PAYLOAD_TOO_LARGE,
    `The request body ${detail} exceeds the limit of ${MAX_REQUEST_BODY_BYTES} bytes; install large modules with upload_chunk and install_chunked_code.`,
  );

/** The principal in a URL segment; a malformed percent-escape is as invalid as a bad checksum. */
function parsePrincipal(segment: string): Uint8Array {
  try {
    return principalFromText(decodeURIComponent(segment));
  } catch {
    throw new HttpError(
      400,
      HttpErrorCode.INVALID_PRINCIPAL,
      `'${segment.slice(0, 100)}' in the URL is not a valid principal (textual form such as rwlgt-iiaaa-aaaaa-aaaaa-cai).`,
    );
  }
}

/** A path label that should be a principal, shown as text, or as hex when it cannot be one. */
function describePrincipal(label: Uint8Array): string {
  if (label.length > PRINCIPAL_MAX_BYTES) {
    const shown = `${bytesToHex(label.subarray(0, 32))}${label.length > 32 ? '…' : ''}`;
    return `0x${shown} (${label.length} bytes, longer than any principal)`;
  }
  return principalToText(label);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function statusJson(network: LocalNetwork, url: string): Record<string, unknown> {
  return {
    url,
    pid: process.pid,
    rootKey: Buffer.from(network.keys.rootKeyDer).toString('hex'),
    subnetId: principalToText(network.keys.subnetId),
    certifiedHeight: network.latestCertifiedState?.height ?? 0,
    canisters: network.canisterList().map((c) => ({
      id: c.idText,
      status: c.status,
      moduleHash: c.code ? Buffer.from(c.code.prepared.moduleHash).toString('hex') : null,
      controllers: c.controllers.map((p) => principalToText(p)),
    })),
  };
}
