import { readFileSync } from 'node:fs';
import {
  type CborMap,
  bytesEqual,
  concatBytes,
  decodeCbor,
  decodeCertificate,
  decodeLeb128,
  encodeCbor,
  lookupPath,
} from '@citadel/protocol';
import { Actor, HttpAgent } from '@dfinity/agent';
import { AssetManager } from '@dfinity/assets';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { sha256 } from '@noble/hashes/sha2.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestNetwork } from '../../replica/src/integration/harness.js';
import { TEST_HOST, startTestNetwork } from '../../replica/src/integration/harness.js';
import {
  type CanisterHttpRequest,
  type CanisterHttpResponse,
  type HeaderField,
  type HttpCanisterActor,
  type StreamingCallbackResponse,
  type StreamingToken,
  httpInterface,
} from './canister/http-interface.js';
import {
  CHUNK_BYTES,
  assetsActor,
  uploadInRanges,
} from '../../../canisters/assets/src/testing/assets-actor.js';
import { type Gateway, type GatewayOptions, createGateway } from './gateway.js';

/**
 * The gateway behind a tampering proxy. The proxy sits between the gateway's agent and the
 * in-process replica and rewrites the replica's answers to queries (`http_request` and the
 * streaming callback): CBOR envelope → Candid reply → altered → re-encoded. The agent does not
 * check node signatures on query answers (`verifyQuerySignatures: false`, as in `connect.ts`),
 * so response verification is the only defence. Every rewrite must end in a 503 with
 * `GATEWAY_VERIFICATION_FAILED`, an HTML page and a log line naming the verifier's reason, and
 * none of the rewritten bytes in what the browser gets.
 */

const ASSETS_WASM = new URL('../../../canisters/assets/dist/assets.wasm.gz', import.meta.url);
const owner = Ed25519KeyIdentity.generate();
const utf8 = new TextEncoder();
const FIVE_MINUTES_NS = 300_000_000_000n;
const ONE_SECOND_NS = 1_000_000_000n;
const REFUSED = 'GATEWAY_VERIFICATION_FAILED';

/** Larger than one 1.9 MB chunk: the asset canister streams it through the callback. */
const LARGE = new Uint8Array(4_000_000).map((_, i) => (i * 13 + (i >> 11)) & 0xff);
/** The asset canister's chunk length: pieces of a ranged asset start at its multiples. */
/** Uploaded with per-chunk hashes, so the canister serves it as verifiable `206` pieces. */
const RANGED = new Uint8Array(2 * CHUNK_BYTES + 777).map((_, i) => (i * 7 + (i >> 13)) & 0xff);
const RANGED_KEY = '/media/ranged.bin';
const NOTES = 'plain notes of canister A';
const REPLAYED_FIRST = 'first version of the replayed file';
const REPLAYED_SECOND = 'second version of the replayed file';

const SITE_A: Record<string, string | Uint8Array> = {
  '/index.html': '<h1>home of canister A</h1>',
  '/notes.txt': NOTES,
  '/replayed.txt': REPLAYED_FIRST,
  '/media/large.bin': LARGE,
};
const SITE_B: Record<string, string | Uint8Array> = {
  '/index.html': '<h1>home of canister B</h1>',
};

const METHODS = new Map((httpInterface({ IDL }) as IDL.ServiceClass)._fields);

/** One query the gateway's agent sent, as the proxy saw it. */
interface InterceptedQuery {
  readonly canisterId: string;
  readonly method: string;
  /** The decoded argument: the request of `http_request`, the token of the callback. */
  readonly arg: unknown;
}

/** Turns the replica's CBOR answer to a query into the one the gateway gets. */
type Rewrite = (query: InterceptedQuery, response: Uint8Array) => Uint8Array;

interface TamperingProxy {
  /** The `fetch` to build the gateway's agent with. */
  readonly fetch: typeof fetch;
  /** Every query that went through, oldest first. */
  readonly seen: InterceptedQuery[];
  /** The time of the certificate in the last `http_request` answer passed on, in ns. */
  readonly lastCertificateTimeNs: bigint;
  /** Sets the rewrite for the queries that follow; `undefined` passes them unchanged. */
  use(rewrite: Rewrite | undefined): void;
}

function createTamperingProxy(upstream: (request: Request) => Promise<Response>): TamperingProxy {
  let rewrite: Rewrite | undefined;
  let lastCertificateTimeNs = 0n;
  const seen: InterceptedQuery[] = [];
  const fetchFn = async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const request = new Request(input, init);
    const isQuery = /^\/api\/v[23]\/canister\/[^/]+\/query$/.test(new URL(request.url).pathname);
    if (!isQuery) {
      return upstream(request);
    }
    const body = new Uint8Array(await request.arrayBuffer());
    const query = interceptedQuery(body);
    seen.push(query);
    const response = await upstream(
      new Request(request.url, { method: request.method, headers: request.headers, body }),
    );
    if (response.status !== 200) {
      return response;
    }
    const original = new Uint8Array(await response.arrayBuffer());
    const answer = rewrite === undefined ? original : rewrite(query, original);
    if (query.method === 'http_request') {
      lastCertificateTimeNs =
        certificateTimeNs(decodeReply<CanisterHttpResponse>('http_request', answer)) ??
        lastCertificateTimeNs;
    }
    return new Response(answer, { status: 200, headers: { 'content-type': 'application/cbor' } });
  };
  return {
    fetch: fetchFn as typeof fetch,
    seen,
    get lastCertificateTimeNs() {
      return lastCertificateTimeNs;
    },
    use(next) {
      rewrite = next;
    },
  };
}

function interceptedQuery(body: Uint8Array): InterceptedQuery {
  const content = (decodeCbor(body) as CborMap).content as CborMap;
  const method = content.method_name as string;
  const func = METHODS.get(method);
  return {
    canisterId: Principal.fromUint8Array(content.canister_id as Uint8Array).toText(),
    method,
    // Decoded CBOR bytes are views into the message; Candid's decoder reads the whole buffer.
    arg: func && IDL.decode(func.argTypes, (content.arg as Uint8Array).slice())[0],
  };
}

/** The Candid reply inside a replica's CBOR answer, decoded with the gateway's interface. */
function decodeReply<T>(method: string, response: Uint8Array): T {
  const reply = (decodeCbor(response) as CborMap).reply as CborMap;
  const types = METHODS.get(method)?.retTypes ?? [];
  return IDL.decode(types, (reply.arg as Uint8Array).slice())[0] as T;
}

/** The replica's CBOR answer with `value` as its reply (node signatures left as they were). */
function encodeReply(method: string, response: Uint8Array, value: unknown): Uint8Array {
  const arg = new Uint8Array(IDL.encode(METHODS.get(method)?.retTypes ?? [], [value]));
  return encodeCbor({ ...(decodeCbor(response) as CborMap), reply: { arg } });
}

/** Rewrites the `http_request` answer for `path`; other queries pass unchanged. */
function alterHttpResponse(
  path: string,
  alter: (answer: CanisterHttpResponse) => CanisterHttpResponse,
): Rewrite {
  return (query, response) => {
    if (query.method !== 'http_request' || pathOf(query) !== path) {
      return response;
    }
    const answer = decodeReply<CanisterHttpResponse>('http_request', response);
    return encodeReply('http_request', response, alter(answer));
  };
}

/** Rewrites the streaming-callback answer for chunk `index`; other queries pass unchanged. */
function alterCallbackChunk(
  index: bigint,
  alter: (answer: StreamingCallbackResponse) => StreamingCallbackResponse,
): Rewrite {
  const method = 'http_request_streaming_callback';
  return (query, response) => {
    if (query.method !== method || (query.arg as StreamingToken).index !== index) {
      return response;
    }
    return encodeReply(method, response, alter(decodeReply(method, response)));
  };
}

/** Answers `http_request` for `path` on `canisterId` with `canned`, a whole CBOR answer. */
function answerWith(canisterId: Principal, path: string, canned: Uint8Array): Rewrite {
  return (query, response) =>
    query.method === 'http_request' &&
    query.canisterId === canisterId.toText() &&
    pathOf(query) === path
      ? canned
      : response;
}

function pathOf(query: InterceptedQuery): string {
  return new URL((query.arg as CanisterHttpRequest).url, 'http://gateway').pathname;
}

function headerOf(answer: CanisterHttpResponse, name: string): string {
  return answer.headers.find(([key]) => key.toLowerCase() === name)?.[1] ?? '';
}

function withHeader(answer: CanisterHttpResponse, name: string, value: string) {
  return {
    ...answer,
    headers: answer.headers.map(([key, old]): HeaderField => [
      key,
      key.toLowerCase() === name ? value : old,
    ]),
  };
}

function certificateFieldPattern(field: 'certificate' | 'tree'): RegExp {
  return new RegExp(`(^|[ ,])${field}=:([^:]*):`);
}

/** The answer with one field of its `IC-Certificate` header (base64 CBOR) rewritten. */
function withCertificateField(
  answer: CanisterHttpResponse,
  field: 'certificate' | 'tree',
  alter: (bytes: Uint8Array) => Uint8Array,
): CanisterHttpResponse {
  const value = headerOf(answer, 'ic-certificate');
  const pattern = certificateFieldPattern(field);
  expect(value, 'IC-Certificate').toMatch(pattern);
  const altered = value.replace(
    pattern,
    (_, lead: string, encoded: string) =>
      `${lead}${field}=:${toBase64(alter(fromBase64(encoded)))}:`,
  );
  return withHeader(answer, 'ic-certificate', altered);
}

function certificateTimeNs(answer: CanisterHttpResponse): bigint | undefined {
  const encoded = certificateFieldPattern('certificate').exec(headerOf(answer, 'ic-certificate'));
  if (encoded === null) {
    return undefined;
  }
  const certificate = decodeCertificate(fromBase64(encoded[2] as string));
  const time = lookupPath(certificate.tree, ['time']);
  return time.status === 'found' ? decodeLeb128(time.value) : undefined;
}

/** A copy of `bytes` with one bit flipped in the middle of the first occurrence of `part`. */
function flipByteWithin(bytes: Uint8Array, part: Uint8Array): Uint8Array {
  const at = indexOf(bytes, part);
  expect(part.length, 'the part to corrupt is not empty').toBeGreaterThan(0);
  expect(at, 'the part to corrupt occurs in the encoding').toBeGreaterThanOrEqual(0);
  const copy = bytes.slice();
  const target = at + Math.floor(part.length / 2);
  copy[target] = (copy[target] as number) ^ 0x01;
  return copy;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  for (let at = 0; at + needle.length <= haystack.length; at++) {
    if (needle.every((byte, i) => haystack[at + i] === byte)) {
      return at;
    }
  }
  return -1;
}

/** The first pruned hash or leaf value in a CBOR-decoded hash tree, depth first. */
function firstHashIn(node: unknown): Uint8Array | undefined {
  if (!Array.isArray(node)) {
    return undefined;
  }
  if ((node[0] === 3 || node[0] === 4) && node[1] instanceof Uint8Array) {
    return node[1];
  }
  for (const child of node.slice(1)) {
    const found = firstHashIn(child);
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (character) => character.charCodeAt(0));
}

function toBase64(bytes: Uint8Array): string {
  return btoa(Array.from(bytes, (byte) => String.fromCharCode(byte)).join(''));
}

function bytesOf(content: string | Uint8Array): Uint8Array {
  return typeof content === 'string' ? utf8.encode(content) : content;
}

async function upload(net: TestNetwork, canisterId: Principal, site: typeof SITE_A) {
  const batch = new AssetManager({ canisterId, agent: await net.agent(owner) }).batch();
  for (const [key, content] of Object.entries(site)) {
    const slash = key.lastIndexOf('/');
    const bytes = bytesOf(content);
    await batch.store(bytes, {
      path: key.slice(0, slash),
      fileName: key.slice(slash + 1),
      sha256: sha256(bytes),
    });
  }
  await batch.commit();
}

/** Stores `content` under `key` with a hash per chunk, so it is served in `206` pieces. */
async function uploadRanged(
  net: TestNetwork,
  canisterId: Principal,
  key: string,
  content: Uint8Array,
) {
  await uploadInRanges(assetsActor(await net.agent(owner), canisterId), key, content);
}

/** Reads a body to its end or its first error: the bytes that arrived, and the error. */
async function readUntilError(response: Response) {
  const parts: Uint8Array[] = [];
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      parts.push(chunk.value);
    }
    return { received: concatBytes(parts), error: undefined };
  } catch (error) {
    return { received: concatBytes(parts), error };
  }
}

describe('gateway behind a tampering proxy', () => {
  let net: TestNetwork;
  let canisterA: Principal;
  let canisterB: Principal;
  let proxy: TamperingProxy;
  let agent: HttpAgent;
  let gateway: Gateway;
  let logged: string[] = [];

  beforeAll(async () => {
    net = await startTestNetwork();
    const wasm = new Uint8Array(readFileSync(ASSETS_WASM));
    canisterA = await net.deploy(owner, wasm);
    canisterB = await net.deploy(owner, wasm);
    await upload(net, canisterA, SITE_A);
    await upload(net, canisterB, SITE_B);
    await uploadRanged(net, canisterA, RANGED_KEY, RANGED);
    proxy = createTamperingProxy((request) => net.replica.fetch(request));
    agent = await HttpAgent.create({
      host: TEST_HOST,
      fetch: proxy.fetch,
      shouldFetchRootKey: true,
      verifyQuerySignatures: false,
    });
    gateway = gatewayWith();
  }, 120_000);
  afterEach(() => {
    proxy.use(undefined);
    logged = [];
  });
  afterAll(() => net.close());

  function gatewayWith(options: Partial<GatewayOptions> = {}): Gateway {
    return createGateway({
      agent,
      rootKey: net.replica.rootKeyDer,
      log: (line) => logged.push(line),
      // Every request must reach the proxy: a cached verified answer would hide the rewrite.
      cacheTtlMs: 0,
      ...options,
    });
  }

  function get(path: string, canisterId = canisterA, through = gateway) {
    return through.fetch(
      new Request(`http://${canisterId.toText()}.localhost:4943${path}`, {
        headers: { 'accept-encoding': 'identity' },
      }),
    );
  }

  /** Passes the next genuine answer for `path` through and keeps the whole CBOR answer. */
  async function capture(path: string, canisterId = canisterA): Promise<Uint8Array> {
    let captured: Uint8Array | undefined;
    proxy.use((query, response) => {
      if (query.method === 'http_request' && pathOf(query) === path) {
        captured = response;
      }
      return response;
    });
    const served = await get(path, canisterId);
    proxy.use(undefined);
    expect(served.status, 'the captured answer verifies').toBe(200);
    expect(captured).toBeInstanceOf(Uint8Array);
    return captured as Uint8Array;
  }

  /**
   * The refusal every rewrite must end in: 503, the verification error code, an HTML page and
   * a log line naming the verifier's `reason`, and none of the `forbidden` bytes in the body.
   */
  async function expectRefused(
    response: Response,
    reason: string,
    forbidden: readonly (string | Uint8Array)[],
  ) {
    const log = logged.join('\n');
    expect(response.status, log).toBe(503);
    expect(response.headers.get('x-citadel-error')).toBe(REFUSED);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('ic-certificate')).toBeNull();
    const body = new Uint8Array(await response.arrayBuffer());
    const page = new TextDecoder().decode(body);
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain(`<code>${REFUSED}</code>`);
    expect(page).toContain(`certificate: ${reason}.`);
    for (const bytes of forbidden.map(bytesOf)) {
      expect(indexOf(body, bytes), 'refused bytes in the page').toBe(-1);
    }
    expect(log).toContain(`: ${REFUSED} `);
    expect(log).toContain(`certificate: ${reason}.`);
  }

  it('serves an answer the proxy decodes and re-encodes unchanged, so no refusal below is the codec', async () => {
    proxy.use(alterHttpResponse('/notes.txt', (answer) => answer));
    const response = await get('/notes.txt');
    expect(response.status, logged.join('\n')).toBe(200);
    expect(response.headers.get('x-citadel-error')).toBeNull();
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(await response.text()).toBe(NOTES);
    expect(proxy.seen.at(-1)).toMatchObject({
      canisterId: canisterA.toText(),
      method: 'http_request',
    });
  });

  it('refuses an altered body', async () => {
    const marker = '<script>tampered()</script>';
    proxy.use(
      alterHttpResponse('/index.html', (answer) => ({ ...answer, body: utf8.encode(marker) })),
    );
    await expectRefused(await get('/index.html'), 'InvalidRequestAndResponseHashes', [
      marker,
      SITE_A['/index.html'] as string,
    ]);
  });

  it.each([
    ['content-type', 'text/html; tampered=content-type'],
    ['x-content-type-options', 'tampered-nosniff'],
  ])('refuses an altered value of the certified header %s', async (name, value) => {
    proxy.use(alterHttpResponse('/notes.txt', (answer) => withHeader(answer, name, value)));
    const response = await get('/notes.txt');
    expect([...response.headers].some(([, served]) => served.includes('tampered'))).toBe(false);
    await expectRefused(response, 'InvalidRequestAndResponseHashes', [value, NOTES]);
  });

  it('drops a header the proxy adds, as only certified headers are passed on', async () => {
    proxy.use(
      alterHttpResponse('/notes.txt', (answer) => ({
        ...answer,
        headers: [...answer.headers, ['set-cookie', 'session=tampered']],
      })),
    );
    const response = await get('/notes.txt');
    expect(response.status, logged.join('\n')).toBe(200);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await response.text()).toBe(NOTES);
  });

  it('refuses an altered status code', async () => {
    proxy.use(alterHttpResponse('/notes.txt', (answer) => ({ ...answer, status_code: 404 })));
    await expectRefused(await get('/notes.txt'), 'InvalidRequestAndResponseHashes', [NOTES]);
  });

  it.each([
    ['its BLS signature', (certificate: Uint8Array) => decodeCertificate(certificate).signature],
    [
      'the certified data it vouches for',
      (certificate: Uint8Array, canisterId: Principal) => {
        const { tree } = decodeCertificate(certificate);
        const found = lookupPath(tree, ['canister', canisterId.toUint8Array(), 'certified_data']);
        return found.status === 'found' ? found.value : new Uint8Array(0);
      },
    ],
  ])(
    'refuses a certificate with a byte flipped in %s',
    async (_, partOf: (certificate: Uint8Array, canisterId: Principal) => Uint8Array) => {
      proxy.use(
        alterHttpResponse('/notes.txt', (answer) =>
          withCertificateField(answer, 'certificate', (certificate) =>
            flipByteWithin(certificate, partOf(certificate, canisterA)),
          ),
        ),
      );
      await expectRefused(await get('/notes.txt'), 'CertificateVerificationFailed', [NOTES]);
    },
  );

  it('refuses a witness tree with a byte flipped in one of its hashes', async () => {
    proxy.use(
      alterHttpResponse('/notes.txt', (answer) =>
        withCertificateField(answer, 'tree', (tree) =>
          flipByteWithin(tree, firstHashIn(decodeCbor(tree)) ?? new Uint8Array(0)),
        ),
      ),
    );
    await expectRefused(await get('/notes.txt'), 'InvalidTreeRootHash', [NOTES]);
  });

  // A v1 answer certifies the body only: accepted, its status and headers would be the proxy's.
  it('refuses a genuine v1 answer, whose status and headers nothing certifies, when it asked for v2', async () => {
    const direct = Actor.createActor<HttpCanisterActor>(httpInterface, {
      agent: await net.agent(),
      canisterId: canisterA,
    });
    const v1 = await direct.http_request({
      method: 'GET',
      url: '/notes.txt',
      headers: [],
      body: new Uint8Array(0),
      certificate_version: [],
    });
    proxy.use(
      alterHttpResponse('/notes.txt', () => ({
        ...withHeader(v1, 'content-type', 'text/html; tampered=v1'),
        status_code: 299,
      })),
    );
    const response = await get('/notes.txt');
    expect(response.headers.get('content-type')).not.toContain('tampered');
    await expectRefused(response, 'RequestedVerificationVersionMismatch', [NOTES]);
  });

  it('serves a genuine v1 answer only when told to accept v1, marked as body-only', async () => {
    const direct = Actor.createActor<HttpCanisterActor>(httpInterface, {
      agent: await net.agent(),
      canisterId: canisterA,
    });
    const v1 = await direct.http_request({
      method: 'GET',
      url: '/notes.txt',
      headers: [],
      body: new Uint8Array(0),
      certificate_version: [],
    });
    proxy.use(alterHttpResponse('/notes.txt', () => v1));
    const legacy = await get('/notes.txt', canisterA, gatewayWith({ acceptV1: true }));
    expect(legacy.status).toBe(200);
    expect(legacy.headers.get('x-citadel-verification')).toBe('body only (v1)');
    expect(await legacy.text()).toBe(NOTES);
  });

  describe('a replayed answer', () => {
    const PATH = '/replayed.txt';
    let old: Uint8Array;
    let oldTimeNs: bigint;

    beforeAll(async () => {
      old = await capture(PATH);
      oldTimeNs = certificateTimeNs(decodeReply('http_request', old)) as bigint;
      const assets = new AssetManager({ canisterId: canisterA, agent: await net.agent(owner) });
      await assets.store(utf8.encode(REPLAYED_SECOND), { path: '', fileName: 'replayed.txt' });
      expect(await (await get(PATH)).text(), 'the new content is served').toBe(REPLAYED_SECOND);
    });

    it('still verifies inside the five-minute window: its certificate is genuine, so only freshness bounds a replay', async () => {
      proxy.use(answerWith(canisterA, PATH, old));
      const response = await get(PATH);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(REPLAYED_FIRST);
    });

    it('is refused once the gateway clock is more than five minutes past its certificate', async () => {
      proxy.use(answerWith(canisterA, PATH, old));
      const later = gatewayWith({ nowNs: () => oldTimeNs + FIVE_MINUTES_NS + ONE_SECOND_NS });
      await expectRefused(await get(PATH, canisterA, later), 'CertificateVerificationFailed', [
        REPLAYED_FIRST,
      ]);
    });

    it('is refused even unaltered when the certificate is more than five minutes old, and served a second inside the window', async () => {
      const ahead = (offsetNs: bigint) =>
        gatewayWith({ nowNs: () => proxy.lastCertificateTimeNs + offsetNs });
      const late = ahead(FIVE_MINUTES_NS + ONE_SECOND_NS);
      await expectRefused(await get(PATH, canisterA, late), 'CertificateVerificationFailed', [
        REPLAYED_SECOND,
      ]);
      const inTime = ahead(FIVE_MINUTES_NS - ONE_SECOND_NS);
      expect(await (await get(PATH, canisterA, inTime)).text()).toBe(REPLAYED_SECOND);
    });
  });

  it("refuses another canister's genuine answer given for this canister", async () => {
    const fromB = await capture('/index.html', canisterB);
    proxy.use(answerWith(canisterA, '/index.html', fromB));
    await expectRefused(await get('/index.html'), 'CertificateMissingCertifiedData', [
      SITE_B['/index.html'] as string,
      SITE_A['/index.html'] as string,
    ]);
  });

  it('keeps only verified answers in its cache: a refusal is not cached, and a later rewrite meets the cached genuine answer', async () => {
    const cached = gatewayWith({ cacheTtlMs: 60_000 });
    const marker = 'tampered while cached';
    const tamper = alterHttpResponse('/index.html', (answer) => ({
      ...answer,
      body: utf8.encode(marker),
    }));
    proxy.use(tamper);
    await expectRefused(
      await get('/index.html', canisterA, cached),
      'InvalidRequestAndResponseHashes',
      [marker],
    );
    proxy.use(undefined);
    expect(await (await get('/index.html', canisterA, cached)).text()).toBe(SITE_A['/index.html']);
    proxy.use(tamper);
    expect(await (await get('/index.html', canisterA, cached)).text()).toBe(SITE_A['/index.html']);
  });

  describe('a streamed file', () => {
    it('is served whole when the proxy re-encodes a callback chunk unchanged', async () => {
      proxy.use(alterCallbackChunk(1n, (answer) => answer));
      const before = proxy.seen.length;
      const response = await get('/media/large.bin');
      expect(response.status, logged.join('\n')).toBe(200);
      expect(sha256(new Uint8Array(await response.arrayBuffer()))).toEqual(sha256(LARGE));
      const callbacks = proxy.seen
        .slice(before)
        .filter((query) => query.method === 'http_request_streaming_callback');
      expect(callbacks.map((query) => (query.arg as StreamingToken).index)).toEqual([1n, 2n]);
    });

    it('is refused when one callback chunk is altered', async () => {
      const marker = utf8.encode('tampered chunk');
      proxy.use(
        alterCallbackChunk(1n, (answer) => {
          const body = answer.body.slice();
          body.set(marker, 1_000);
          return { ...answer, body };
        }),
      );
      await expectRefused(await get('/media/large.bin'), 'InvalidRequestAndResponseHashes', [
        marker,
        LARGE.subarray(0, 64),
      ]);
    });
  });

  describe('a file certified in ranges', () => {
    /** Rewrites the `206` piece answering `Range: bytes=<start>-` (the first has no `Range`). */
    function alterPiece(start: number, marker: Uint8Array): Rewrite {
      const range = start === 0 ? undefined : `bytes=${start}-`;
      return (query, response) => {
        const request = query.arg as CanisterHttpRequest;
        const asked = request.headers?.find(([name]) => name.toLowerCase() === 'range')?.[1];
        if (query.method !== 'http_request' || pathOf(query) !== RANGED_KEY || asked !== range) {
          return response;
        }
        const answer = decodeReply<CanisterHttpResponse>('http_request', response);
        const body = answer.body.slice();
        body.set(marker, 1_000);
        return encodeReply('http_request', response, { ...answer, body });
      };
    }

    it('is served whole, each piece verified, when nothing is altered', async () => {
      const before = proxy.seen.length;
      const response = await get(RANGED_KEY);
      expect(response.status, logged.join('\n')).toBe(200);
      expect(sha256(new Uint8Array(await response.arrayBuffer()))).toEqual(sha256(RANGED));
      const ranges = proxy.seen
        .slice(before)
        .filter((query) => query.method === 'http_request' && pathOf(query) === RANGED_KEY)
        .map((query) => (query.arg as CanisterHttpRequest).headers.find(([n]) => n === 'range'));
      expect(ranges.map((field) => field?.[1])).toEqual([
        undefined,
        `bytes=${CHUNK_BYTES}-`,
        `bytes=${2 * CHUNK_BYTES}-`,
      ]);
    });

    it('is refused with a 503 when its first piece is altered', async () => {
      const marker = utf8.encode('tampered first piece');
      proxy.use(alterPiece(0, marker));
      await expectRefused(await get(RANGED_KEY), 'InvalidRequestAndResponseHashes', [marker]);
    });

    it('ends the transfer before an altered later piece, whose bytes never go out (the 200 head has left)', async () => {
      const marker = utf8.encode('tampered later piece');
      proxy.use(alterPiece(CHUNK_BYTES, marker));
      const response = await get(RANGED_KEY);
      expect(response.status).toBe(200);
      const { received, error } = await readUntilError(response);
      expect(error, 'the body ends in an error, not a clean end').toBeDefined();
      expect(bytesEqual(received, RANGED.subarray(0, CHUNK_BYTES)), 'the first piece').toBe(true);
      expect(indexOf(received, marker)).toBe(-1);
      const log = logged.join('\n');
      expect(log).toContain(`: ${REFUSED} `);
      expect(log).toContain('certificate: InvalidRequestAndResponseHashes.');
    });
  });
});
