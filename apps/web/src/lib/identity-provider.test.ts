import { describe, expect, it } from 'vitest';
import {
  MAINNET_II_URL,
  resolveIdentityProvider,
  type IdentityProviderSettings,
} from './identity-provider';

const LOCAL: IdentityProviderSettings = {
  network: 'local',
  icHost: 'http://127.0.0.1:4943',
  identityProviderUrl: undefined,
};

function resolveAt(url: string, settings: Partial<IdentityProviderSettings> = {}): string {
  return resolveIdentityProvider(new URL(url), { ...LOCAL, ...settings });
}

describe('resolveIdentityProvider', () => {
  it('opens the local II on the gateway that serves the page', () => {
    expect(resolveAt('http://uxrrr-q7777-77774-qaaaq-cai.localhost:4943/')).toBe(
      'http://rdmx6-jaaaa-aaaaa-aaadq-cai.localhost:4943/',
    );
    expect(
      resolveAt('http://uxrrr-q7777-77774-qaaaq-cai.localhost:61234/?x=1', { icHost: undefined }),
    ).toBe('http://rdmx6-jaaaa-aaaaa-aaadq-cai.localhost:61234/');
  });

  it('opens the certified II from a raw page', () => {
    expect(resolveAt('http://uxrrr-q7777-77774-qaaaq-cai.raw.localhost:4943/')).toBe(
      'http://rdmx6-jaaaa-aaaaa-aaadq-cai.localhost:4943/',
    );
  });

  it('keeps the page’s scheme and leaves a default port out', () => {
    expect(resolveAt('https://uxrrr-q7777-77774-qaaaq-cai.localhost/')).toBe(
      'https://rdmx6-jaaaa-aaaaa-aaadq-cai.localhost/',
    );
  });

  it('falls back to localhost on the replica’s port for pages elsewhere', () => {
    expect(resolveAt('http://localhost:3000/')).toBe(
      'http://rdmx6-jaaaa-aaaaa-aaadq-cai.localhost:4943/',
    );
    expect(resolveAt('http://127.0.0.1:5000/?canisterId=uxrrr-q7777-77774-qaaaq-cai')).toBe(
      'http://rdmx6-jaaaa-aaaaa-aaadq-cai.localhost:4943/',
    );
  });

  it('uses the page’s port when the build names no replica', () => {
    expect(resolveAt('http://localhost:3000/', { icHost: undefined })).toBe(
      'http://rdmx6-jaaaa-aaaaa-aaadq-cai.localhost:3000/',
    );
  });

  it('uses mainnet’s II on the ic network', () => {
    expect(resolveAt('https://ryjl3-tyaaa-aaaaa-aaaba-cai.icp0.io/', { network: 'ic' })).toBe(
      MAINNET_II_URL,
    );
    expect(MAINNET_II_URL).toBe('https://identity.internetcomputer.org/');
  });

  it('uses NEXT_PUBLIC_II_URL whatever the page and the network', () => {
    const identityProviderUrl = 'http://id.localhost:8080/login';
    for (const network of ['local', 'ic']) {
      expect(
        resolveAt('http://uxrrr-q7777-77774-qaaaq-cai.localhost:4943/', {
          network,
          identityProviderUrl,
        }),
      ).toBe(identityProviderUrl);
    }
  });
});
