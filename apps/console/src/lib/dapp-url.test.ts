import { describe, expect, it } from 'vitest';
import {
  dappIdFromSearch,
  dappUrlOf,
  gatewayDomainOf,
  iconSrcOf,
  searchForDapp,
  type PageLocation,
} from './dapp-url';

const FRONTEND = 'qoctq-giaaa-aaaaa-aaaea-cai';
const CONSOLE = 'rrkah-fqaaa-aaaaa-aaaaq-cai';

function at(hostname: string, port = '4943', protocol = 'http:'): PageLocation {
  return { protocol, hostname, port, search: '' };
}

describe('dappUrlOf', () => {
  it('puts the frontend id under the gateway root the page is served from, on its port', () => {
    expect(dappUrlOf(FRONTEND, at('localhost'))).toBe(`http://${FRONTEND}.localhost:4943/`);
    expect(dappUrlOf(FRONTEND, at('localhost', '51234'))).toBe(
      `http://${FRONTEND}.localhost:51234/`,
    );
  });

  it('replaces the console canister id when the page is served from its own subdomain', () => {
    expect(dappUrlOf(FRONTEND, at(`${CONSOLE}.localhost`))).toBe(
      `http://${FRONTEND}.localhost:4943/`,
    );
  });

  it('never links to the raw (unverified) domain', () => {
    expect(dappUrlOf(FRONTEND, at(`${CONSOLE}.raw.localhost`))).toBe(
      `http://${FRONTEND}.localhost:4943/`,
    );
  });

  it('uses localhost for a loopback address, and the default port when the page has none', () => {
    expect(dappUrlOf(FRONTEND, at('127.0.0.1'))).toBe(`http://${FRONTEND}.localhost:4943/`);
    expect(dappUrlOf(FRONTEND, at(`${CONSOLE}.icp0.io`, '', 'https:'))).toBe(
      `https://${FRONTEND}.icp0.io/`,
    );
  });
});

describe('gatewayDomainOf', () => {
  it('keeps a domain that starts with no canister id', () => {
    expect(gatewayDomainOf('example.org')).toBe('example.org');
    expect(gatewayDomainOf('LOCALHOST.')).toBe('localhost');
  });
});

describe('iconSrcOf', () => {
  const dappUrl = `http://${FRONTEND}.localhost:4943/`;

  it('resolves a path on the dApp’s own origin', () => {
    expect(iconSrcOf('/icon.svg', dappUrl)).toBe(`${dappUrl}icon.svg`);
  });

  it('keeps https and data:image URLs', () => {
    expect(iconSrcOf('https://example.org/i.png', dappUrl)).toBe('https://example.org/i.png');
    expect(iconSrcOf('data:image/png;base64,AAAA', dappUrl)).toBe('data:image/png;base64,AAAA');
  });

  it('drops missing, plain http, protocol-relative and script URLs', () => {
    for (const icon of [
      undefined,
      '',
      'http://example.org/i.png',
      '//evil.example/i.png',
      'javascript:alert(1)',
      'data:text/html,<script>',
      'icon.png',
    ]) {
      expect(iconSrcOf(icon, dappUrl)).toBeUndefined();
    }
  });
});

describe('dappIdFromSearch', () => {
  it('reads a valid frontend id from ?dapp=', () => {
    expect(dappIdFromSearch(`?dapp=${FRONTEND}`)).toBe(FRONTEND);
  });

  it('ignores a missing or invalid id', () => {
    expect(dappIdFromSearch('')).toBeUndefined();
    expect(dappIdFromSearch('?dapp=nope')).toBeUndefined();
  });
});

describe('searchForDapp', () => {
  it('sets the dApp and keeps the other parameters', () => {
    expect(searchForDapp(`?canisterId=${CONSOLE}`, FRONTEND)).toBe(
      `?canisterId=${CONSOLE}&dapp=${FRONTEND}`,
    );
  });

  it('removes the dApp for the list', () => {
    expect(searchForDapp(`?dapp=${FRONTEND}`, undefined)).toBe('?');
    expect(searchForDapp(`?canisterId=${CONSOLE}&dapp=${FRONTEND}`, undefined)).toBe(
      `?canisterId=${CONSOLE}`,
    );
  });
});
