import { describe, expect, it } from 'vitest';
import { canisterTarget } from './canister-target.js';

const ID = 'rwlgt-iiaaa-aaaaa-aaaaa-cai';
const target = (url: string, host?: string, customDomains?: Map<string, string>) =>
  canisterTarget(new URL(url), host, customDomains === undefined ? {} : { customDomains });

describe('canisterTarget', () => {
  it('reads the canister from a localhost subdomain, with any port and case', () => {
    expect(target(`http://${ID}.localhost:4943/a`)).toMatchObject({ raw: false, via: 'subdomain' });
    expect(target('http://x/', `${ID.toUpperCase()}.LOCALHOST`)?.canisterId.toText()).toBe(ID);
    expect(target('http://x/', `${ID}.localhost.`)?.canisterId.toText()).toBe(ID);
  });

  it('marks raw subdomains, and ignores deeper or malformed ones', () => {
    expect(target('http://x/', `${ID}.raw.localhost:4943`)).toMatchObject({ raw: true });
    expect(target('http://x/', `a.${ID}.localhost`)).toBeUndefined();
    expect(target('http://x/', 'not-a-canister.localhost')).toBeUndefined();
    // A textual principal with a wrong checksum is not a canister id.
    expect(target('http://x/', 'rwlgt-iiaaa-aaaaa-aaaaa-caa.localhost')).toBeUndefined();
  });

  it('falls back to ?canisterId=, and maps custom domains', () => {
    expect(target(`http://localhost:4943/?canisterId=${ID}`)).toMatchObject({ via: 'query' });
    expect(target('http://localhost:4943/?canisterId=nope')).toBeUndefined();
    const domains = new Map([['shop.example', ID]]);
    expect(target('http://x/', 'Shop.Example:443', domains)).toMatchObject({
      via: 'custom-domain',
      raw: false,
    });
    expect(target('http://x/', 'other.example', domains)).toBeUndefined();
  });

  it('sends the gateway’s own host to the root canister (the console) when one is set', () => {
    const CONSOLE = 'qaa6y-5yaaa-aaaaa-aaafa-cai';
    const root = (url: string, host?: string) =>
      canisterTarget(new URL(url), host, { rootCanister: CONSOLE });
    for (const host of ['localhost:4943', '127.0.0.1:4943', 'LOCALHOST']) {
      expect(root('http://x/_next/app.js', host)).toMatchObject({ via: 'root', raw: false });
      expect(root('http://x/', host)?.canisterId.toText()).toBe(CONSOLE);
    }
    // A canister named by the request still wins; other hosts are not the gateway's own.
    expect(root(`http://x/?canisterId=${ID}`, 'localhost')?.canisterId.toText()).toBe(ID);
    expect(root('http://x/', `${ID}.localhost`)?.canisterId.toText()).toBe(ID);
    expect(root('http://x/', 'example.org')).toBeUndefined();
    expect(target('http://localhost:4943/')).toBeUndefined();
  });
});
