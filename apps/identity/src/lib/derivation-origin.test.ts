import { describe, expect, it, vi } from 'vitest';
import {
  alternativeOriginsUrl,
  resolveFrontendOrigin,
  toLegacyDomain,
  type FrontendOriginResult,
} from './derivation-origin';

const II_URL = 'http://rdmx6-jaaaa-aaaaa-aaadq-cai.localhost:4943/#authorize';
const DAPP = 'http://uxrrr-q7777-77774-qaaaq-cai.localhost:4943';
const DERIVATION_ID = 'rrkah-fqaaa-aaaaa-aaaaq-cai';
const DERIVATION = `http://${DERIVATION_ID}.localhost:4943`;
const LIST_URL = `http://localhost:4943/.well-known/ii-alternative-origins?canisterId=${DERIVATION_ID}`;

/** A fetch answering every request with `body` (JSON unless a string) and `status`. */
function answering(body: unknown, status = 200) {
  return vi.fn<typeof fetch>(
    async () =>
      new Response(typeof body === 'string' ? body : JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      }),
  );
}

function messageOf(result: FrontendOriginResult): string {
  if (result.ok) {
    throw new Error(`expected a refusal, got ${result.frontendOrigin}`);
  }
  return result.message;
}

describe('resolveFrontendOrigin', () => {
  it('uses the request’s origin when there is no derivation origin, and fetches nothing', async () => {
    const fetch = answering({});
    await expect(
      resolveFrontendOrigin({
        requestOrigin: DAPP,
        derivationOrigin: undefined,
        iiUrl: II_URL,
        fetch,
      }),
    ).resolves.toEqual({ ok: true, frontendOrigin: DAPP });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('accepts a derivation origin equal to the request’s origin after the icp0.io rewrite', async () => {
    const fetch = answering({});
    await expect(
      resolveFrontendOrigin({
        requestOrigin: 'https://abcde-aaaaa.icp0.io',
        derivationOrigin: 'https://abcde-aaaaa.ic0.app',
        iiUrl: 'https://identity.example',
        fetch,
      }),
    ).resolves.toEqual({ ok: true, frontendOrigin: 'https://abcde-aaaaa.ic0.app' });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('accepts a derivation origin whose list names the request’s origin', async () => {
    const fetch = answering({ alternativeOrigins: [DAPP, 'https://app.example'] });
    await expect(
      resolveFrontendOrigin({
        requestOrigin: DAPP,
        derivationOrigin: DERIVATION,
        iiUrl: II_URL,
        fetch,
      }),
    ).resolves.toEqual({ ok: true, frontendOrigin: DERIVATION });
    expect(fetch).toHaveBeenCalledExactlyOnceWith(LIST_URL, {
      redirect: 'error',
      credentials: 'omit',
      headers: { Accept: 'application/json' },
    });
  });

  it('refuses a derivation origin whose list does not name the request’s origin', async () => {
    const result = await resolveFrontendOrigin({
      requestOrigin: DAPP,
      derivationOrigin: DERIVATION,
      iiUrl: II_URL,
      fetch: answering({ alternativeOrigins: ['https://other.example'] }),
    });
    expect(messageOf(result)).toBe(`${LIST_URL} does not list ${DAPP}.`);
  });

  it('refuses a list that is missing, not JSON, malformed, too long, or repeats an origin', async () => {
    const cases: [ReturnType<typeof answering>, string][] = [
      [answering('not found', 404), 'answered HTTP 404, not 200'],
      [answering('<html>'), 'is not JSON'],
      [answering({ alternativeOrigins: 'x' }), 'is not of the form'],
      [answering({ alternativeOrigins: [1] }), 'is not of the form'],
      [answering([DAPP]), 'is not of the form'],
      [
        answering({ alternativeOrigins: Array.from({ length: 11 }, (_, i) => `https://${i}.a`) }),
        'lists 11 origins; at most 10',
      ],
      [answering({ alternativeOrigins: [DAPP, DAPP] }), 'lists an origin more than once'],
    ];
    for (const [fetch, expected] of cases) {
      const result = await resolveFrontendOrigin({
        requestOrigin: DAPP,
        derivationOrigin: DERIVATION,
        iiUrl: II_URL,
        fetch,
      });
      expect(messageOf(result)).toContain(expected);
    }
  });

  it('refuses when the list cannot be fetched, as when CORS blocks it', async () => {
    const result = await resolveFrontendOrigin({
      requestOrigin: DAPP,
      derivationOrigin: DERIVATION,
      iiUrl: II_URL,
      fetch: vi.fn<typeof fetch>().mockRejectedValue(new TypeError('Failed to fetch')),
    });
    expect(messageOf(result)).toMatch(
      /^Could not fetch .* \(Failed to fetch\)\. It must be served with CORS/,
    );
  });

  it('refuses a derivation origin that is not an origin, without fetching', async () => {
    const fetch = answering({});
    for (const derivationOrigin of [`${DERIVATION}/`, `${DERIVATION}/path`, 'app.example', '']) {
      const result = await resolveFrontendOrigin({
        requestOrigin: DAPP,
        derivationOrigin,
        iiUrl: II_URL,
        fetch,
      });
      expect(messageOf(result)).toContain('is not an origin');
    }
    expect(fetch).not.toHaveBeenCalled();
  });

  it('asks a custom domain for its canister id, then reads the list from mainnet', async () => {
    const fetchMock = vi.fn<typeof fetch>(async (_input, init) =>
      init?.method === 'HEAD'
        ? new Response(null, { headers: { 'x-ic-canister-id': DERIVATION_ID } })
        : new Response(JSON.stringify({ alternativeOrigins: ['https://dapp.example'] })),
    );
    await expect(
      resolveFrontendOrigin({
        requestOrigin: 'https://dapp.example',
        derivationOrigin: 'https://brand.example',
        iiUrl: 'https://identity.internetcomputer.org/',
        fetch: fetchMock,
      }),
    ).resolves.toEqual({ ok: true, frontendOrigin: 'https://brand.example' });
    expect(fetchMock.mock.calls.map(([input]) => String(input))).toEqual([
      'https://brand.example',
      `https://${DERIVATION_ID}.icp0.io/.well-known/ii-alternative-origins`,
    ]);
  });

  it('refuses a custom domain that does not name its canister', async () => {
    const result = await resolveFrontendOrigin({
      requestOrigin: DAPP,
      derivationOrigin: 'https://brand.example',
      iiUrl: II_URL,
      fetch: vi.fn<typeof fetch>(async () => new Response(null)),
    });
    expect(messageOf(result)).toBe(
      'https://brand.example does not say which canister serves it (no valid x-ic-canister-id header).',
    );
  });
});

describe('alternativeOriginsUrl', () => {
  it('reads through localhost with ?canisterId= when II is served on *.localhost', () => {
    expect(alternativeOriginsUrl(DERIVATION_ID, new URL(II_URL))).toBe(LIST_URL);
    expect(alternativeOriginsUrl(DERIVATION_ID, new URL('http://localhost/'))).toBe(
      `http://localhost/.well-known/ii-alternative-origins?canisterId=${DERIVATION_ID}`,
    );
  });

  it('reads through the same address when II is served on an IP address', () => {
    expect(alternativeOriginsUrl(DERIVATION_ID, new URL('http://127.0.0.1:4943/'))).toBe(
      `http://127.0.0.1:4943/.well-known/ii-alternative-origins?canisterId=${DERIVATION_ID}`,
    );
  });

  it('reads from the canister’s icp0.io domain anywhere else', () => {
    expect(alternativeOriginsUrl(DERIVATION_ID, new URL('https://id.ai/'))).toBe(
      `https://${DERIVATION_ID}.icp0.io/.well-known/ii-alternative-origins`,
    );
  });
});

describe('toLegacyDomain', () => {
  it('rewrites icp0.io and icp.net canister domains to ic0.app, and nothing else', () => {
    expect(toLegacyDomain('https://abc-def.icp0.io')).toBe('https://abc-def.ic0.app');
    expect(toLegacyDomain('https://abc-def.raw.icp0.io')).toBe('https://abc-def.raw.ic0.app');
    expect(toLegacyDomain('https://abc-def.icp.net')).toBe('https://abc-def.ic0.app');
    for (const origin of ['http://abc.icp0.io', 'https://a.b.icp0.io', DAPP, 'https://icp0.io']) {
      expect(toLegacyDomain(origin)).toBe(origin);
    }
  });
});
