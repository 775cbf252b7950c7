import { Cbor, IC_ROOT_KEY } from '@dfinity/agent';
import { describe, expect, it, vi } from 'vitest';
import { createIiActor } from './ii-actor';
import type { IdentityConfig } from './identity-config';

const HOST = 'http://rdmx6-jaaaa-aaaaa-aaadq-cai.localhost:4943';
const LOCAL: IdentityConfig = {
  canisterId: 'rdmx6-jaaaa-aaaaa-aaadq-cai',
  network: 'local',
  fetchRootKey: true,
};

/** A fetch that answers `/api/v2/status` with a root key. */
function makeStatusFetch() {
  const rootKey = Uint8Array.from(IC_ROOT_KEY.match(/../g) ?? [], (byte) => parseInt(byte, 16));
  return vi.fn<typeof fetch>(
    // slice(): a copy on a plain ArrayBuffer, which is what a Response body accepts.
    async () => new Response(Cbor.encode({ ic_api_version: '0.18.0', root_key: rootKey }).slice()),
  );
}

describe('createIiActor', () => {
  it('fetches the root key through the origin the page came from, off mainnet', async () => {
    const fetch = makeStatusFetch();
    const actor = await createIiActor({ config: LOCAL, host: HOST, fetch });
    expect(fetch.mock.calls.map(([input]) => String(input))).toEqual([`${HOST}/api/v2/status`]);
    expect(typeof actor.prepare_delegation).toBe('function');
  });

  it('makes no request to connect on mainnet', async () => {
    const fetch = makeStatusFetch();
    await createIiActor({
      config: { ...LOCAL, network: 'ic', fetchRootKey: false },
      host: HOST,
      fetch,
    });
    expect(fetch).not.toHaveBeenCalled();
  });
});
