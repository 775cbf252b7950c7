import { describe, expect, it } from 'vitest';
import {
  canisterDomainOf,
  isGatewayLocation,
  resolveAgentHost,
  type PageLocation,
} from './agent-host';

const REPLICA = 'http://127.0.0.1:4943';

function at(url: string): PageLocation {
  const { origin, hostname, search } = new URL(url);
  return { origin, hostname, search };
}

describe('resolveAgentHost', () => {
  it('uses the page origin when a gateway serves it from a canister subdomain', () => {
    const page = at('http://uxrrr-q7777-77774-qaaaq-cai.localhost:4943/');
    expect(isGatewayLocation(page)).toBe(true);
    expect(resolveAgentHost(page, REPLICA)).toBe(
      'http://uxrrr-q7777-77774-qaaaq-cai.localhost:4943',
    );
  });

  it('uses the page origin on mainnet gateway domains, raw ones included', () => {
    expect(isGatewayLocation(at('https://ryjl3-tyaaa-aaaaa-aaaba-cai.icp0.io/'))).toBe(true);
    expect(isGatewayLocation(at('https://ryjl3-tyaaa-aaaaa-aaaba-cai.raw.icp0.io/'))).toBe(true);
  });

  it('uses the page origin when the canister is named in the query', () => {
    const page = at('http://127.0.0.1:4943/?canisterId=uxrrr-q7777-77774-qaaaq-cai');
    expect(resolveAgentHost(page, 'http://elsewhere:4943')).toBe('http://127.0.0.1:4943');
  });

  it('falls back to the replica from the build when next dev serves the page', () => {
    const page = at('http://localhost:3000/');
    expect(isGatewayLocation(page)).toBe(false);
    expect(resolveAgentHost(page, REPLICA)).toBe(REPLICA);
  });

  it('uses the page origin when there is no replica to fall back to', () => {
    expect(resolveAgentHost(at('http://localhost:3000/'), undefined)).toBe('http://localhost:3000');
  });
});

describe('canisterDomainOf', () => {
  it('reads the gateway domain after a canister id label, raw or not', () => {
    expect(canisterDomainOf('uxrrr-q7777-77774-qaaaq-cai.localhost')).toBe('localhost');
    expect(canisterDomainOf('uxrrr-q7777-77774-qaaaq-cai.raw.localhost')).toBe('localhost');
    expect(canisterDomainOf('ryjl3-tyaaa-aaaaa-aaaba-cai.icp0.io')).toBe('icp0.io');
  });

  it('finds no domain on hosts that name no canister', () => {
    for (const hostname of ['localhost', '127.0.0.1', 'uxrrr-q7777-77774-qaaaq-cai', 'app.io']) {
      expect(canisterDomainOf(hostname)).toBeUndefined();
    }
  });
});
