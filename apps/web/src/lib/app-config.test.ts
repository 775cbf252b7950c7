import { describe, expect, it } from 'vitest';
import { resolveAppConfig } from './app-config';

const CANISTER_ID = 'uxrrr-q7777-77774-qaaaq-cai';

describe('resolveAppConfig', () => {
  it('fails with a clear message when the canister id is missing or blank', () => {
    for (const canisterId of [undefined, '', '  ']) {
      const result = resolveAppConfig({ canisterId, icHost: undefined, network: 'local' });
      expect(result).toMatchObject({ ok: false, problem: 'missing-canister-id' });
      expect(result.ok ? '' : result.message).toContain('NEXT_PUBLIC_CANISTER_ID_BACKEND');
    }
  });

  it('fails when the canister id is not a principal', () => {
    expect(
      resolveAppConfig({ canisterId: 'not-a-canister', icHost: undefined, network: 'local' }),
    ).toMatchObject({ ok: false, problem: 'invalid-canister-id' });
  });

  it('fetches the root key on the local network and on one given by URL', () => {
    for (const network of ['local', 'http://10.0.0.5:4943', undefined]) {
      const result = resolveAppConfig({ canisterId: CANISTER_ID, icHost: undefined, network });
      expect(result.ok && result.config.fetchRootKey).toBe(true);
    }
  });

  it('trusts the built-in root key on mainnet', () => {
    const result = resolveAppConfig({ canisterId: CANISTER_ID, icHost: undefined, network: 'ic' });
    expect(result).toMatchObject({ ok: true, config: { network: 'ic', fetchRootKey: false } });
  });

  it('keeps the replica host, and drops an empty one', () => {
    const withHost = resolveAppConfig({
      canisterId: CANISTER_ID,
      icHost: 'http://127.0.0.1:4943',
      network: '',
    });
    expect(withHost).toMatchObject({
      ok: true,
      config: { canisterId: CANISTER_ID, icHost: 'http://127.0.0.1:4943', network: 'local' },
    });
    const empty = resolveAppConfig({ canisterId: CANISTER_ID, icHost: '', network: 'local' });
    expect(empty.ok && empty.config.icHost).toBeUndefined();
  });

  it('keeps an Internet Identity URL given at build time, and drops an empty one', () => {
    const given = resolveAppConfig({
      canisterId: CANISTER_ID,
      icHost: undefined,
      network: 'local',
      identityProviderUrl: ' https://id.example.org/ ',
    });
    expect(given).toMatchObject({
      ok: true,
      config: { identityProviderUrl: 'https://id.example.org/' },
    });
    for (const identityProviderUrl of [undefined, '', '  ']) {
      const result = resolveAppConfig({
        canisterId: CANISTER_ID,
        icHost: undefined,
        network: 'local',
        identityProviderUrl,
      });
      expect(result.ok && result.config.identityProviderUrl).toBeUndefined();
    }
  });

  it('fails when the Internet Identity URL is not an http(s) URL', () => {
    for (const identityProviderUrl of ['identity.example.org', 'javascript:alert(1)']) {
      const result = resolveAppConfig({
        canisterId: CANISTER_ID,
        icHost: undefined,
        network: 'local',
        identityProviderUrl,
      });
      expect(result).toMatchObject({ ok: false, problem: 'invalid-ii-url' });
      expect(result.ok ? '' : result.message).toContain('NEXT_PUBLIC_II_URL');
    }
  });
});
