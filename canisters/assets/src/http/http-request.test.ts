import { verifyRequestResponsePair } from '@dfinity/response-verification';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { AssetStore, MAX_CHUNK_BYTES } from '../state/asset-store.js';
import {
  FIVE_MINUTES_NS,
  TEST_CANISTER_ID,
  TEST_NOW_NS,
  TEST_ROOT_KEY,
  dataCertificate,
} from '../testing/certificates.js';
import { type HttpResponse, httpRequest, streamingCallback } from './http-request.js';
import { type SiteOptions, certifySite } from './site-certification.js';

/**
 * `http_request` answers for a generated site, each checked the way a verifying gateway
 * checks it: the unmodified `@dfinity/response-verification` 3.0.3 against a certificate over
 * the site's certified tree.
 */

const utf8 = new TextEncoder();
const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

function site(files: Record<string, string | Uint8Array>, gzipped: string[] = []): AssetStore {
  const store = new AssetStore();
  for (const [key, content] of Object.entries(files)) {
    const bytes = typeof content === 'string' ? utf8.encode(content) : content;
    const contentType = key.endsWith('.html')
      ? 'text/html'
      : key.endsWith('.js')
        ? 'text/javascript'
        : 'application/octet-stream';
    const batchId = store.createBatch(TEST_NOW_NS);
    const ids: bigint[] = [];
    for (let start = 0; start < bytes.length || ids.length === 0; start += MAX_CHUNK_BYTES) {
      ids.push(
        store.createChunk(batchId, bytes.subarray(start, start + MAX_CHUNK_BYTES), TEST_NOW_NS),
      );
    }
    store.commitBatch(
      batchId,
      [
        { CreateAsset: { key, content_type: contentType, max_age: 60n } },
        {
          SetAssetContent: {
            key,
            content_encoding: 'identity',
            chunk_ids: ids,
            sha256: sha256(bytes),
          },
        },
      ],
      TEST_NOW_NS,
    );
    if (gzipped.includes(key)) {
      store.store(
        {
          key,
          content_type: contentType,
          content_encoding: 'gzip',
          content: new Uint8Array([0x1f, 0x8b, 8, 0, ...bytes.subarray(0, 8)]),
        },
        TEST_NOW_NS,
      );
    }
  }
  return store;
}

/** Serves `url` from `store` and verifies the answer; streamed bodies are assembled first. */
function fetchVerified(
  store: AssetStore,
  url: string,
  options: { headers?: [string, string][]; version?: number; site?: SiteOptions } = {},
) {
  const siteOptions = options.site ?? { spaFallback: false, securityHeaders: true };
  const tree = certifySite(store, siteOptions);
  const version = options.version ?? 2;
  const response = httpRequest(
    {
      method: 'GET',
      url,
      headers: options.headers ?? [],
      body: new Uint8Array(0),
      certificateVersion: version === 1 ? undefined : version,
    },
    { store, tree, options: siteOptions, certificate: dataCertificate(tree.rootHash()) },
  );
  const body = assemble(store, response);
  const verified = verifyRequestResponsePair(
    {
      url,
      method: 'GET',
      headers: options.headers ?? [],
      body: new Uint8Array(0),
      certificate_version: version === 1 ? [] : [version],
    },
    { status_code: response.status, headers: [...response.headers] as [string, string][], body },
    TEST_CANISTER_ID,
    TEST_NOW_NS,
    FIVE_MINUTES_NS,
    TEST_ROOT_KEY,
    version,
  );
  return { response, body, verified };
}

function assemble(store: AssetStore, response: HttpResponse): Uint8Array {
  const parts = [response.body];
  let token = response.streamingToken;
  while (token !== undefined) {
    const next = streamingCallback(token, store);
    parts.push(next.body);
    token = next.token;
  }
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

describe('http_request, verified as a gateway verifies it', () => {
  const big = new Uint8Array(2 * MAX_CHUNK_BYTES + 1000).map((_, i) => i & 0xff);
  const store = site(
    {
      '/index.html': '<h1>home</h1>',
      '/about.html': '<h1>about</h1>',
      '/docs/index.html': '<h1>docs</h1>',
      '/404.html': '<h1>lost</h1>',
      '/app.js': 'console.log("hi")',
      '/files/grüße mit space.txt': 'unicode',
      '/big.bin': big,
    },
    ['/app.js'],
  );

  it('serves / and every alias of an HTML page, certified under the requested path', () => {
    for (const [url, expected] of [
      ['/', '<h1>home</h1>'],
      ['/index.html', '<h1>home</h1>'],
      ['/about', '<h1>about</h1>'],
      ['/about.html', '<h1>about</h1>'],
      ['/docs', '<h1>docs</h1>'],
      ['/docs/', '<h1>docs</h1>'],
    ] as const) {
      const { verified } = fetchVerified(store, url);
      expect(verified.response?.statusCode, url).toBe(200);
      expect(text(verified.response?.body), url).toBe(expected);
    }
  });

  it('serves the certified 404 page, with status 404, for unknown paths', () => {
    const { verified } = fetchVerified(store, '/no/such/page');
    expect(verified.response?.statusCode).toBe(404);
    expect(text(verified.response?.body)).toBe('<h1>lost</h1>');
  });

  it('serves index.html with 200 for unknown paths when the single-page fallback is on', () => {
    const { verified } = fetchVerified(store, '/app/route/42', {
      site: { spaFallback: true, securityHeaders: true },
    });
    expect(verified.response?.statusCode).toBe(200);
    expect(text(verified.response?.body)).toBe('<h1>home</h1>');
  });

  it('certifies default security headers unless the site turns them off or the asset sets its own', () => {
    const certified = (url: string, securityHeaders: boolean) =>
      new Map(
        fetchVerified(store, url, { site: { spaFallback: false, securityHeaders } }).verified
          .response?.headers,
      );
    const on = certified('/app.js', true);
    expect(on.get('x-content-type-options')).toBe('nosniff');
    expect(on.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    expect(on.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(certified('/app.js', false).has('x-content-type-options')).toBe(false);

    store.setAssetProperties({
      key: '/app.js',
      headers: { value: [['Referrer-Policy', 'no-referrer']] },
    });
    const own = certified('/app.js', true);
    expect(own.get('referrer-policy')).toBe('no-referrer');
    expect(own.get('x-content-type-options')).toBe('nosniff');
    store.setAssetProperties({ key: '/app.js', headers: { value: null } });
  });

  it('serves a certified plain 404 when the site has no 404 page', () => {
    const bare = site({ '/a.txt': 'a' });
    const { verified } = fetchVerified(bare, '/b.txt');
    expect(verified.response?.statusCode).toBe(404);
    expect(text(verified.response?.body)).toBe('not found');
  });

  it('negotiates gzip and certifies content-encoding, cache-control and etag', () => {
    const { response, verified } = fetchVerified(store, '/app.js', {
      headers: [['Accept-Encoding', 'br;q=0, gzip, deflate']],
    });
    expect(verified.response?.headers).toEqual(
      expect.arrayContaining([
        ['content-encoding', 'gzip'],
        ['cache-control', 'max-age=60'],
      ]),
    );
    expect(response.headers.find(([name]) => name === 'etag')).toBeDefined();
    const identity = fetchVerified(store, '/app.js', { headers: [['Accept-Encoding', 'br']] });
    expect(text(identity.verified.response?.body)).toBe('console.log("hi")');
  });

  it('certifies the ETag, and leaves If-None-Match to the gateway (a 304 cannot be checked)', () => {
    const first = fetchVerified(store, '/app.js');
    const etag = new Map(first.verified.response?.headers).get('etag');
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    const { response, verified } = fetchVerified(store, '/app.js', {
      headers: [['If-None-Match', etag ?? '']],
    });
    expect(response.status).toBe(200);
    expect(verified.response?.statusCode).toBe(200);
  });

  it('serves a percent-encoded unicode path', () => {
    const url = '/files/gr%C3%BC%C3%9Fe%20mit%20space.txt';
    expect(text(fetchVerified(store, url).verified.response?.body)).toBe('unicode');
  });

  it('streams a large asset in chunks whose whole body verifies', () => {
    const { response, body, verified } = fetchVerified(store, '/big.bin');
    expect(response.body).toHaveLength(MAX_CHUNK_BYTES);
    expect(response.streamingToken?.index).toBe(1n);
    expect(sha256(body)).toEqual(sha256(big));
    expect(verified.response?.statusCode).toBe(200);
  });

  it('answers clients without certificate_version with v1', () => {
    const { verified } = fetchVerified(store, '/about', { version: 1 });
    expect(verified.verificationVersion).toBe(1);
    expect(text(verified.response?.body)).toBe('<h1>about</h1>');
  });

  it('refuses a malformed URL with 400 and redirects raw hosts the asset keeps off', () => {
    const tree = certifySite(store, { spaFallback: false, securityHeaders: true });
    const context = {
      store,
      tree,
      options: { spaFallback: false, securityHeaders: true },
      certificate: dataCertificate(tree.rootHash()),
    };
    const bad = httpRequest(
      { method: 'GET', url: '/%ZZ', headers: [], body: new Uint8Array(0) },
      context,
    );
    expect(bad.status).toBe(400);
    store.setAssetProperties({ key: '/about.html', allow_raw_access: { value: false } });
    const raw = httpRequest(
      {
        method: 'GET',
        url: '/about?x=1',
        headers: [['Host', 'bkyz2-fmaaa-aaaaa-qaaaq-cai.raw.localhost:4943']],
        body: new Uint8Array(0),
      },
      context,
    );
    expect(raw.status).toBe(308);
    expect(raw.headers).toContainEqual([
      'location',
      'http://bkyz2-fmaaa-aaaaa-qaaaq-cai.localhost:4943/about?x=1',
    ]);
  });
});

describe('large assets with chunk hashes: 206 ranges, each verified on its own', () => {
  const big = new Uint8Array(2 * MAX_CHUNK_BYTES + 1234).map((_, i) => (i * 13) & 0xff);
  const pieces = [0, 1, 2].map((i) => big.subarray(i * MAX_CHUNK_BYTES, (i + 1) * MAX_CHUNK_BYTES));
  const store = new AssetStore();
  const batchId = store.createBatch(TEST_NOW_NS);
  const chunkIds = pieces.map((piece) => store.createChunk(batchId, piece, TEST_NOW_NS));
  store.commitBatch(
    batchId,
    [
      { CreateAsset: { key: '/video.bin', content_type: 'application/octet-stream' } },
      {
        SetAssetContent: {
          key: '/video.bin',
          content_encoding: 'identity',
          chunk_ids: chunkIds,
          sha256: sha256(big),
          chunk_sha256s: pieces.map((piece) => sha256(piece)),
        },
      },
    ],
    TEST_NOW_NS,
  );

  it('answers the first request with chunk 0 and each `Range: bytes=<start>-` with its chunk', () => {
    const received: Uint8Array[] = [];
    let range: string | undefined;
    for (let index = 0; index < pieces.length; index++) {
      const { response, verified } = fetchVerified(store, '/video.bin', {
        headers: range === undefined ? [] : [['Range', range]],
      });
      expect(response.status).toBe(206);
      expect(verified.response?.statusCode).toBe(206);
      const contentRange = new Map(verified.response?.headers).get('content-range') ?? '';
      const [, start, end, total] = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(contentRange) ?? [];
      expect(Number(start)).toBe(index * MAX_CHUNK_BYTES);
      expect(Number(total)).toBe(big.length);
      received.push(verified.response?.body as Uint8Array);
      range = `bytes=${Number(end) + 1}-`;
    }
    const whole = new Uint8Array(big.length);
    received.reduce((offset, part) => (whole.set(part, offset), offset + part.length), 0);
    expect(sha256(whole)).toEqual(sha256(big));
  });

  it('refuses a tampered chunk, and a chunk answered for another range', () => {
    const siteOptions = { spaFallback: false, securityHeaders: true };
    const tree = certifySite(store, siteOptions);
    const context = {
      store,
      tree,
      options: siteOptions,
      certificate: dataCertificate(tree.rootHash()),
    };
    const second = httpRequest(
      {
        method: 'GET',
        url: '/video.bin',
        headers: [['Range', `bytes=${MAX_CHUNK_BYTES}-`]],
        body: new Uint8Array(0),
        certificateVersion: 2,
      },
      context,
    );
    const verify = (headers: [string, string][], body: Uint8Array) =>
      verifyRequestResponsePair(
        {
          url: '/video.bin',
          method: 'GET',
          headers,
          body: new Uint8Array(0),
          certificate_version: [2],
        },
        { status_code: 206, headers: second.headers as [string, string][], body },
        TEST_CANISTER_ID,
        TEST_NOW_NS,
        FIVE_MINUTES_NS,
        TEST_ROOT_KEY,
        2,
      );
    const range: [string, string][] = [['Range', `bytes=${MAX_CHUNK_BYTES}-`]];
    expect(verify(range, second.body).verificationVersion).toBe(2);
    const tampered = second.body.slice();
    tampered[7] = (tampered[7] ?? 0) ^ 1;
    expect(() => verify(range, tampered)).toThrow();
    expect(() => verify([['Range', 'bytes=0-']], second.body)).toThrow();
  });

  it('serves the whole body, streamed and verified, for other ranges and for v1 gateways', () => {
    for (const options of [
      { headers: [['Range', 'bytes=5-10']] as [string, string][] },
      { version: 1 },
    ]) {
      const { response, body } = fetchVerified(store, '/video.bin', options);
      expect(response.status).toBe(200);
      expect(sha256(body)).toEqual(sha256(big));
    }
  });
});
