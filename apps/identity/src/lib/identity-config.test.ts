import { describe, expect, it } from 'vitest';
import { resolveIdentityConfig } from './identity-config';

const CANISTER_ID = 'rdmx6-jaaaa-aaaaa-aaadq-cai';

describe('resolveIdentityConfig', () => {
  it('fails with a message naming the variable when the canister id is missing or blank', () => {
    for (const canisterId of [undefined, '', '  ']) {
      const result = resolveIdentityConfig({ canisterId, network: 'local' });
      expect(result).toMatchObject({ ok: false, problem: 'missing-canister-id' });
      expect(result.ok ? '' : result.message).toContain(
        'NEXT_PUBLIC_CANISTER_ID_INTERNET_IDENTITY',
      );
    }
  });

  it('fails when the canister id is not a principal', () => {
    expect(
      resolveIdentityConfig({ canisterId: 'internet-identity', network: 'local' }),
    ).toMatchObject({ ok: false, problem: 'invalid-canister-id' });
  });

  it('fetches the root key on the local network, on one given by URL, and by default', () => {
    for (const network of ['local', 'http://10.0.0.5:4943', undefined, '']) {
      const result = resolveIdentityConfig({ canisterId: CANISTER_ID, network });
      expect(result.ok && result.config.fetchRootKey).toBe(true);
    }
  });

  it('trusts the built-in root key on mainnet', () => {
    expect(resolveIdentityConfig({ canisterId: CANISTER_ID, network: 'ic' })).toEqual({
      ok: true,
      config: { canisterId: CANISTER_ID, network: 'ic', fetchRootKey: false },
    });
  });
});
