import {
  ResponseVerificationErrorCode,
  verifyRequestResponsePair,
} from '@dfinity/response-verification';
import { sha256 } from '@noble/hashes/sha2.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { certificateHeader } from './certificate-header.js';
import { CertificationTree, type ExpressionPath, expressionLabels } from './certification-tree.js';
import { CERTIFICATE_EXPRESSION_HEADER, responseExpression } from './expression.js';
import { decodedPath, pathSegments } from './request-path.js';
import { type HeaderField, responseHash } from './response-hash.js';
import {
  FIVE_MINUTES_NS,
  TEST_CANISTER_ID,
  TEST_NOW_NS,
  TEST_ROOT_KEY,
  dataCertificate,
} from '../testing/certificates.js';

/**
 * Every response is checked by the unmodified `@dfinity/response-verification` 3.0.3 (the
 * library HTTP gateways use) against a certificate signed by a fresh BLS root key, exactly as
 * a gateway would check the asset canister's answers.
 */

const CANISTER_ID = TEST_CANISTER_ID;
const NOW_NS = TEST_NOW_NS;
const ROOT_KEY = TEST_ROOT_KEY;
const utf8 = new TextEncoder();

interface Served {
  readonly status: number;
  readonly headers: HeaderField[];
  readonly body: Uint8Array;
  readonly certifiedAt: ExpressionPath;
}

/** One response as the canister certifies it: content-type, extra headers, the expression. */
function response(
  status: number,
  contentType: string,
  body: string | Uint8Array,
  extra: HeaderField[] = [],
  certifiedAt: ExpressionPath = { segments: [], wildcard: true },
): Served & { readonly expression: string } {
  const expression = responseExpression(extra.map(([name]) => name));
  return {
    status,
    headers: [['content-type', contentType], ...extra, [CERTIFICATE_EXPRESSION_HEADER, expression]],
    body: typeof body === 'string' ? utf8.encode(body) : body,
    certifiedAt,
    expression,
  };
}

const exact = (path: string): ExpressionPath => ({
  segments: pathSegments(path),
  wildcard: false,
});

function certify(tree: CertificationTree, served: Served & { readonly expression: string }) {
  tree.addV2(
    served.certifiedAt,
    sha256(utf8.encode(served.expression)),
    responseHash(served.status, served.headers, served.body),
  );
}

/** What the canister would send for `url`: the response plus its IC-Certificate header. */
function answer(
  tree: CertificationTree,
  url: string,
  served: Served & { readonly expression: string },
) {
  const path = decodedPath(url) ?? '';
  const witness = tree.v2Witness(
    path,
    served.certifiedAt,
    sha256(utf8.encode(served.expression)),
    responseHash(served.status, served.headers, served.body),
  );
  const header = certificateHeader({
    certificate: dataCertificate(tree.rootHash()),
    tree: witness,
    expressionPath: expressionLabels(served.certifiedAt),
  });
  return {
    status_code: served.status,
    headers: [...served.headers, ['IC-Certificate', header]] as [string, string][],
    body: served.body,
  };
}

function verify(url: string, sent: ReturnType<typeof answer>, minVersion = 2) {
  return verifyRequestResponsePair(
    { url, method: 'GET', headers: [], body: new Uint8Array(0), certificate_version: [2] },
    sent,
    CANISTER_ID,
    NOW_NS,
    FIVE_MINUTES_NS,
    ROOT_KEY,
    minVersion,
  );
}

/** The verifier's error code for a response it refuses. */
function errorCode(check: () => unknown): number {
  try {
    check();
  } catch (error) {
    return (error as { code: number }).code;
  }
  throw new Error('the verifier accepted the response');
}

describe('asset certification, checked by @dfinity/response-verification', () => {
  const tree = new CertificationTree();
  const index = response(200, 'text/html', '<h1>home</h1>', [], exact('/index.html'));
  const indexAtRoot = { ...index, certifiedAt: exact('/') };
  const gzipped = response(
    200,
    'text/javascript',
    new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]),
    [
      ['content-encoding', 'gzip'],
      ['cache-control', 'max-age=31536000'],
    ],
    exact('/app.js'),
  );
  const unicode = response(200, 'text/plain', 'grüße', [], exact('/a b/ü.txt'));
  const notFound = response(404, 'text/html', '<h1>not here</h1>');

  beforeAll(() => {
    for (const served of [index, indexAtRoot, gzipped, unicode, notFound]) {
      certify(tree, served);
    }
  });

  it('verifies an exact path, with status, certified headers and body', () => {
    const result = verify('/index.html', answer(tree, '/index.html', index));
    expect(result.verificationVersion).toBe(2);
    expect(result.response?.statusCode).toBe(200);
    expect(new TextDecoder().decode(result.response?.body)).toBe('<h1>home</h1>');
  });

  it('verifies an alias certified under its own path (/ for /index.html)', () => {
    expect(verify('/', answer(tree, '/', indexAtRoot)).response?.statusCode).toBe(200);
  });

  it('verifies a compressed encoding with content-encoding and cache-control certified', () => {
    const result = verify('/app.js', answer(tree, '/app.js', gzipped));
    expect(result.response?.headers).toEqual(
      expect.arrayContaining([
        ['content-encoding', 'gzip'],
        ['cache-control', 'max-age=31536000'],
      ]),
    );
  });

  it('verifies percent-encoded unicode and spaces against the decoded path', () => {
    const url = '/a%20b/%C3%BC.txt?download=1';
    expect(verify(url, answer(tree, url, unicode)).response?.statusCode).toBe(200);
  });

  it('verifies a fallback served from the root wildcard, proving no exact path exists', () => {
    const url = '/no/such/page';
    const result = verify(url, answer(tree, url, notFound));
    expect(result.response?.statusCode).toBe(404);
  });

  it('refuses a response whose body, status or certified header was changed', () => {
    const sent = answer(tree, '/index.html', index);
    expect(
      errorCode(() => verify('/index.html', { ...sent, body: utf8.encode('<h1>evil</h1>') })),
    ).toBe(ResponseVerificationErrorCode.InvalidRequestAndResponseHashes);
    expect(errorCode(() => verify('/index.html', { ...sent, status_code: 500 }))).toBe(
      ResponseVerificationErrorCode.InvalidRequestAndResponseHashes,
    );
    const headers = sent.headers.map(([name, value]): [string, string] =>
      name === 'content-type' ? [name, 'text/plain'] : [name, value],
    );
    expect(errorCode(() => verify('/index.html', { ...sent, headers }))).toBe(
      ResponseVerificationErrorCode.InvalidRequestAndResponseHashes,
    );
  });

  it('refuses an exact-path response served for another path', () => {
    expect(errorCode(() => verify('/other.html', answer(tree, '/other.html', index)))).toBe(
      ResponseVerificationErrorCode.ExactExpressionPathMismatch,
    );
  });

  it('refuses a certificate for a tree whose root is not the certified data', () => {
    const other = new CertificationTree();
    certify(other, index);
    other.setV1('/extra', sha256(utf8.encode('x')));
    const sent = answer(tree, '/index.html', index);
    const forged = certificateHeader({
      certificate: dataCertificate(other.rootHash()),
      tree: tree.v2Witness(
        '/index.html',
        index.certifiedAt,
        sha256(utf8.encode(index.expression)),
        responseHash(index.status, index.headers, index.body),
      ),
      expressionPath: expressionLabels(index.certifiedAt),
    });
    const headers = sent.headers.map(([name, value]): [string, string] =>
      name === 'IC-Certificate' ? [name, forged] : [name, value],
    );
    expect(errorCode(() => verify('/index.html', { ...sent, headers }))).toBe(
      ResponseVerificationErrorCode.InvalidTreeRootHash,
    );
  });

  it('verifies v1 (body hash under http_assets) for clients that ask for no version', () => {
    const v1 = new CertificationTree();
    const body = utf8.encode('<h1>home</h1>');
    v1.setV1('/index.html', sha256(body));
    const header = certificateHeader({
      certificate: dataCertificate(v1.rootHash()),
      tree: v1.v1Witness(['/index.html']),
    });
    const result = verifyRequestResponsePair(
      {
        url: '/index.html',
        method: 'GET',
        headers: [],
        body: new Uint8Array(0),
        certificate_version: [],
      },
      { status_code: 200, headers: [['IC-Certificate', header]], body },
      CANISTER_ID,
      NOW_NS,
      FIVE_MINUTES_NS,
      ROOT_KEY,
      1,
    );
    expect(result.verificationVersion).toBe(1);
    expect(result.response?.body).toEqual(body);
  });
});
