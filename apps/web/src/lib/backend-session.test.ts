import { Cbor, IC_ROOT_KEY } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { describe, expect, it, vi } from 'vitest';
import type { PageLocation } from './agent-host';
import { resolveAppConfig, type AppConfig } from './app-config';
import { createBackendSession } from './backend-session';

const CANISTER_ID = 'uxrrr-q7777-77774-qaaaq-cai';
const GATEWAY_PAGE: PageLocation = {
  origin: 'http://rrkah-fqaaa-aaaaa-aaaaq-cai.localhost:4943',
  hostname: 'rrkah-fqaaa-aaaaa-aaaaq-cai.localhost',
  search: '',
};
const IDENTITY = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(1));

function configFor(network: string): AppConfig {
  const result = resolveAppConfig({
    canisterId: CANISTER_ID,
    icHost: 'http://127.0.0.1:4943',
    network,
  });
  if (!result.ok) {
    throw new Error(result.message);
  }
  return result.config;
}

/** A fetch that records what was asked and answers `/api/v2/status` with a root key. */
function makeStatusFetch() {
  const rootKey = Uint8Array.from(IC_ROOT_KEY.match(/../g) ?? [], (byte) => parseInt(byte, 16));
  return vi.fn<typeof fetch>(
    // slice(): a copy on a plain ArrayBuffer, which is what a Response body accepts.
    async () => new Response(Cbor.encode({ ic_api_version: '0.18.0', root_key: rootKey }).slice()),
  );
}

describe('createBackendSession', () => {
  it('fetches the root key through the gateway origin the page came from', async () => {
    const fetch = makeStatusFetch();
    const session = await createBackendSession({
      config: configFor('local'),
      identity: IDENTITY,
      location: GATEWAY_PAGE,
      fetch,
    });
    const urls = fetch.mock.calls.map(([input]) => String(input));
    expect(urls).toEqual([`${GATEWAY_PAGE.origin}/api/v2/status`]);
    expect(session.principal).toBe(IDENTITY.getPrincipal().toText());
  });

  it('uses the replica from the build when the page is not served by a gateway', async () => {
    const fetch = makeStatusFetch();
    await createBackendSession({
      config: configFor('local'),
      identity: IDENTITY,
      location: { origin: 'http://localhost:3000', hostname: 'localhost', search: '' },
      fetch,
    });
    expect(String(fetch.mock.calls[0]?.[0])).toBe('http://127.0.0.1:4943/api/v2/status');
  });

  it('makes no request to connect on mainnet, and signs as the identity', async () => {
    const fetch = makeStatusFetch();
    const session = await createBackendSession({
      config: configFor('ic'),
      identity: IDENTITY,
      location: GATEWAY_PAGE,
      fetch,
    });
    expect(fetch).not.toHaveBeenCalled();
    expect(session.principal).toBe(IDENTITY.getPrincipal().toText());
  });
});
