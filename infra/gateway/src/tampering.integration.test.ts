import { readFileSync } from 'node:fs';
import {
  type CborMap,
  decodeCbor,
  decodeCertificate,
  decodeLeb128,
  encodeCbor,
  lookupPath,
} from '@citadel/protocol';
import { HttpAgent } from '@dfinity/agent';
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
  type StreamingCallbackResponse,
  type StreamingToken,
  httpInterface,
} from './canister/http-interface.js';
import { type Gateway, createGateway } from './gateway.js';

/**
 * A tampering proxy between the gateway and the replica. The gateway's agent does not check
 * node signatures on query answers (see `connect.ts`), so whatever the proxy rewrites in an
 * `http_request` or streaming-callback answer reaches the gateway as if the replica had sent
 * it; response verification is the only defence, and these tests pin that it holds: every
 * rewrite is refused with a 503 naming the verifier's reason, and none of the rewritten bytes
 * reaches the browser.
 */

const ASSETS_WASM = new URL('../../../canisters/assets/dist/assets.wasm.gz', import.meta.url);
const owner = Ed25519KeyIdentity.generate();
const utf8 = new TextEncoder();
const FIVE_MINUTES_NS = 300_000_000_000n;
const ONE_SECOND_NS = 1_000_000_000n;
const REFUSED = 'GATEWAY_VERIFICATION_FAILED';

/** Larger than one 1.9 MB chunk, so it streams through `http_request_streaming_callback`. */
const LARGE = new Uint8Array(4_000_000).map((_, i) => (i * 13 + (i >> 11)) & 0xff);

const SITE_A: Record<string, string | Uint8Array> = {
  '/index.html': '<h1>home of canister A</h1>',
  '/notes.txt': 'plain notes of canister A',
  '/replayed.txt': 'first version of the replayed file',
  '/media/large.bin': LARGE,
};
const SITE_B: Record<string, string | Uint8Array> = {
  '/index.html': '<h1>home of canister B</h1>',
};

const service = httpInterface({ IDL }) as IDL.ServiceClass;
const METHODS = new Map(service._fields);

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
  /** The time in the certificate of the last `http_request` answer passed on, in ns. */
  readonly lastCertificateTimeNs: bigint;
  use(rewrite: Rewrite | undefined): void;
}

/** A `fetch` in front of the in-process replica that applies the current rewrite to queries. */
function createTamperingProxy(upstream: (request: Request) => Promise<Response>): TamperingProxy {
  let rewrite: Rewrite | undefined;
  let lastCertificateTimeNs = 0n;
  const seen: InterceptedQuery[] = [];
  const fetchFn = async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const request = new Request(input, init);
    const target = /^\/api\/v[23]\/canister\/([^/]+)\/query$/.exec(new URL(request.url).pathname);
    if (target === null) {
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
    arg: func === undefined ? undefined : IDL.decode(func.argTypes, content.arg as Uint8Array)[0],
  };
}

/** The Candid reply inside a replica's CBOR answer, decoded with the gateway's interface. */
function decodeReply<T>(method: string, response: Uint8Array): T {
  const reply = (decodeCbor(response) as CborMap).reply as CborMap;
  return IDL.decode(METHODS.get(method)?.retTypes ?? [], reply.arg as Uint8Array)[0] as T;
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
    return encodeReply(
      'http_request',
      response,
      alter(decodeReply<CanisterHttpResponse>('http_request', response)),
    );
  };
}

/** Rewrites the streaming-callback answer for chunk `index`; other queries pass unchanged. */
function alterCallbackChunk(
  index: bigint,
  alter: (answer: StreamingCallbackResponse) => StreamingCallbackResponse,
): Rewrite {
  return (query, response) => {
    const token = query.arg as StreamingToken;
    if (query.method !== 'http_request_streaming_callback' || token.index !== index) {
      return response;
    }
    return encodeReply(
      'http_request_streaming_callback',
      response,
      alter(decodeReply<StreamingCallbackResponse>('http_request_streaming_callback', response)),
    );
  };
}

/** Answers `http_request` for `path` with `canned` (a whole CBOR answer) instead. */
function answerWith(path: string, canned: Uint8Array): Rewrite {
  return (query, response) =>
    query.method === 'http_request' && pathOf(query) === path ? canned : response;
}

function pathOf(query: InterceptedQuery): string {
  return new URL((query.arg as CanisterHttpRequest).url, 'http://any').pathname;
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

/** The answer with one field (`certificate` or `tree`) of its `IC-Certificate` rewritten. */
function withCertificateField(
  answer: CanisterHttpResponse,
  field: 'certificate' | 'tree',
  alter: (bytes: Uint8Array) => Uint8Array,
): CanisterHttpResponse {
  const value = headerOf(answer, 'ic-certificate');
  const pattern = new RegExp(`(^|[ ,])${field}=:([^:]*):`);
  expect(value, 'IC-Certificate').toMatch(pattern);
  return withHeader(
    answer,
    'ic-certificate',
    value.replace(
      pattern,
      (_, lead: string, b64: string) => `${lead}${field}=:${toBase64(alter(fromBase64(b64)))}:`,
    ),
  );
}

function certificateField(answer: CanisterHttpResponse, field: 'certificate' | 'tree') {
  const match = new RegExp(`(^|[ ,])${field}=:([^:]*):`).exec(headerOf(answer, 'ic-certificate'));
  return match === null ? undefined : fromBase64(match[2] as string);
}

function certificateTimeNs(answer: CanisterHttpResponse): bigint | undefined {
  const bytes = certificateField(answer, 'certificate');
  if (bytes === undefined) {
    return undefined;
  }
  const time = lookupPath(decodeCertificate(bytes).tree, ['time']);
  return time.status === 'found' ? decodeLeb128(time.value) : undefined;
}

function headerOf(answer: { headers: HeaderField[] }, name: string): string {
  return answer.headers.find(([key]) => key.toLowerCase() === name)?.[1] ?? '';
}

/** A copy of `bytes` with one byte flipped inside the first occurrence of `within`. */
function flipByteWithin(bytes: Uint8Array, within: Uint8Array): Uint8Array {
  const at = indexOf(bytes, within);
  expect(at, 'the bytes to corrupt occur in the encoding').toBeGreaterThanOrEqual(0);
  const copy = bytes.slice();
  const target = at + Math.floor(within.length / 2);
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

/** The first pruned hash (or else leaf value) in a CBOR hash tree, depth first. */
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

  function gatewayWith(options: { nowNs?: () => bigint } = {}): Gateway {
    return createGateway({
      agent,
      rootKey: net.replica.rootKeyDer,
      log: (line) => logged.push(line),
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

  /** Passes `path`'s next genuine answer through and keeps a copy of the whole CBOR answer. */
  async function capture(path: string, canisterId = canisterA): Promise<Uint8Array> {
    let captured: Uint8Array | undefined;
    proxy.use((query, response) => {
      if (query.method === 'http_request' && pathOf(query) === path) {
        captured = response;
      }
      return response;
    });
    const served = await get(path, canisterId);
    expect(served.status, 'the captured answer verifies').toBe(200);
    proxy.use(undefined);
    return captured as Uint8Array;
  }

  /**
   * The refusal every rewrite must end in: 503, the verification error code, an HTML page
   * and a log line both naming the verifier's reason, and none of `forbidden` in the body.
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
    expect(page).toContain('This response could not be verified');
    expect(page).toContain(`${reason}.`);
    for (const bytes of forbidden.map(bytesOf)) {
      expect(indexOf(body, bytes), 'refused bytes in the page').toBe(-1);
    }
    expect(
      logged.some((line) => line.includes(REFUSED) && line.includes(reason)),
      log,
    ).toBe(true);
  }

  it('serves an answer the proxy decodes and re-encodes unchanged, so the suite cannot pass vacuously', async () => {
    proxy.use(alterHttpResponse('/notes.txt', (answer) => answer));
    const response = await get('/notes.txt');
    expect(response.status, logged.join('\n')).toBe(200);
    expect(response.headers.get('x-citadel-error')).toBeNull();
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(await response.text()).toBe(SITE_A['/notes.txt']);
    expect(proxy.seen.some((query) => pathOf(query) === '/notes.txt')).toBe(true);
  });

  it('refuses an altered body', async () => {
    const marker = 'TAMPERED BODY: <script>steal()</script>';
    proxy.use(
      alterHttpResponse('/index.html', (answer) => ({ ...answer, body: utf8.encode(marker) })),
    );
    await expectRefused(await get('/index.html'), 'InvalidResponseHashes', [marker]);
  });

  it.each([
    ['content-type', 'text/html; tampered=content-type'],
    ['x-content-type-options', 'tampered-nosniff'],
  ])('refuses an altered value of the certified header %s', async (name, value) => {
    proxy.use(alterHttpResponse('/notes.txt', (answer) => withHeader(answer, name, value)));
    const response = await get('/notes.txt');
    expect([...response.headers].some(([, served]) => served.includes('tampered'))).toBe(false);
    await expectRefused(response, 'InvalidResponseHashes', [value, SITE_A['/notes.txt'] as string]);
  });

  it('drops a header the proxy adds, since only certified headers are passed on', async () => {
    proxy.use(
      alterHttpResponse('/notes.txt', (answer) => ({
        ...answer,
        headers: [...answer.headers, ['set-cookie', 'session=tampered']],
      })),
    );
    const response = await get('/notes.txt');
    expect(response.status, logged.join('\n')).toBe(200);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await response.text()).toBe(SITE_A['/notes.txt']);
  });

  it('refuses an altered status code', async () => {
    proxy.use(alterHttpResponse('/notes.txt', (answer) => ({ ...answer, status_code: 404 })));
    const response = await get('/notes.txt');
    expect(response.status).not.toBe(404);
    await expectRefused(response, 'InvalidResponseHashes', [SITE_A['/notes.txt'] as string]);
  });

  it.each([
    ['its BLS signature', (certificate: Uint8Array) => decodeCertificate(certificate).signature],
    [
      'the certified data it vouches for',
      (certificate: Uint8Array, canisterId: Principal) => {
        const found = lookupPath(decodeCertificate(certificate).tree, [
          'canister',
          canisterId.toUint8Array(),
          'certified_data',
        ]);
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
      await expectRefused(await get('/notes.txt'), 'CertificateVerificationFailed', [
        SITE_A['/notes.txt'] as string,
      ]);
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
    await expectRefused(await get('/notes.txt'), 'InvalidTree', [SITE_A['/notes.txt'] as string]);
  });

  describe('a replayed answer', () => {
    const PATH = '/replayed.txt';
    const SECOND = 'second version of the replayed file';
    let old: Uint8Array;
    let oldTimeNs: bigint;

    beforeAll(async () => {
      old = await capture(PATH);
      oldTimeNs = certificateTimeNs(decodeReply('http_request', old)) as bigint;
      const assets = new AssetManager({ canisterId: canisterA, agent: await net.agent(owner) });
      await assets.store(utf8.encode(SECOND), { path: '', fileName: 'replayed.txt' });
      expect(await (await get(PATH)).text(), 'the change is live').toBe(SECOND);
    });

    it('still verifies inside the five-minute window: the old certificate is genuine, so freshness is the only bound on a replay', async () => {
      proxy.use(answerWith(PATH, old));
      const response = await get(PATH);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(SITE_A[PATH]);
    });

    it('is refused once the gateway clock is more than five minutes past its certificate', async () => {
      const later = gatewayWith({ nowNs: () => oldTimeNs + FIVE_MINUTES_NS + ONE_SECOND_NS });
      proxy.use(answerWith(PATH, old));
      await expectRefused(await get(PATH, canisterA, later), 'CertificateTimeTooFarInThePast', [
        SITE_A[PATH] as string,
      ]);
    });

    it('is refused even unaltered when its certificate is more than five minutes old', async () => {
      const late = gatewayWith({
        nowNs: () => proxy.lastCertificateTimeNs + FIVE_MINUTES_NS + ONE_SECOND_NS,
      });
      await expectRefused(await get(PATH, canisterA, late), 'CertificateTimeTooFarInThePast', [
        SECOND,
      ]);
      const inTime = gatewayWith({
        nowNs: () => proxy.lastCertificateTimeNs + FIVE_MINUTES_NS - ONE_SECOND_NS,
      });
      expect(await (await get(PATH, canisterA, inTime)).text()).toBe(SECOND);
    });
  });

  it("refuses another canister's genuine answer given for this canister", async () => {
    const fromB = await capture('/index.html', canisterB);
    proxy.use((query, response) =>
      query.canisterId === canisterA.toText()
        ? answerWith('/index.html', fromB)(query, response)
        : response,
    );
    await expectRefused(await get('/index.html'), 'CertificateMissingCertifiedData', [
      SITE_B['/index.html'] as string,
      SITE_A['/index.html'] as string,
    ]);
  });

  describe('a streamed file', () => {
    it('is served whole when the proxy re-encodes every callback chunk unchanged', async () => {
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
      const marker = utf8.encode('TAMPERED CHUNK');
      proxy.use(
        alterCallbackChunk(1n, (answer) => {
          const body = answer.body.slice();
          body.set(marker, 1000);
          return { ...answer, body };
        }),
      );
      await expectRefused(await get('/media/large.bin'), 'InvalidResponseHashes', [
        marker,
        LARGE.subarray(0, 64),
      ]);
    });
  });
});
