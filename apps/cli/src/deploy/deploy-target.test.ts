import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliErrorCode } from '../errors.js';
import {
  IC_API_URL,
  canisterIdsPath,
  canisterUrl,
  networkLabel,
  parseDeployNetwork,
} from './deploy-target.js';

const ID = 'bkyz2-fmaaa-aaaaa-qaaaq-cai';

describe('parseDeployNetwork', () => {
  it('reads "local" and "ic" as the named networks', () => {
    expect(parseDeployNetwork('local')).toEqual({ kind: 'local' });
    expect(parseDeployNetwork('ic')).toEqual({ kind: 'ic' });
  });

  it('reads an http(s) URL as a network by URL, without trailing slashes', () => {
    expect(parseDeployNetwork('http://127.0.0.1:8080')).toEqual({
      kind: 'url',
      url: 'http://127.0.0.1:8080',
    });
    expect(parseDeployNetwork('https://testnet.example.org/')).toEqual({
      kind: 'url',
      url: 'https://testnet.example.org',
    });
    expect(parseDeployNetwork('http://[::1]:4943')).toEqual({
      kind: 'url',
      url: 'http://[::1]:4943',
    });
  });

  it('refuses anything else with CLI_INVALID_OPTION_VALUE naming the option and the value', () => {
    for (const text of [
      '',
      'LOCAL',
      'mainnet',
      'ftp://example.org',
      'example.org',
      'http://',
      'http://example.org/api',
      'https://exa mple.org',
      ' local',
    ]) {
      let caught: unknown;
      try {
        parseDeployNetwork(text);
      } catch (error) {
        caught = error;
      }
      expect(caught, text).toMatchObject({
        code: CliErrorCode.INVALID_OPTION_VALUE,
        details: { command: 'deploy', option: '--network', value: text },
      });
    }
  });
});

describe('networkLabel', () => {
  it('names the network as the user gave it', () => {
    expect(networkLabel({ kind: 'local' })).toBe('local');
    expect(networkLabel({ kind: 'ic' })).toBe('ic');
    expect(networkLabel({ kind: 'url', url: 'https://testnet.example.org' })).toBe(
      'https://testnet.example.org',
    );
  });
});

describe('canisterIdsPath', () => {
  const root = join('/projects', 'shop');

  it('keeps mainnet ids in canister_ids.json at the project root, as dfx does', () => {
    expect(canisterIdsPath(root, { kind: 'ic' })).toBe(join(root, 'canister_ids.json'));
  });

  it('keeps local ids under .citadel/local', () => {
    expect(canisterIdsPath(root, { kind: 'local' })).toBe(
      join(root, '.citadel', 'local', 'canister_ids.json'),
    );
  });

  it('keeps the ids of a network by URL under .citadel/networks/<host>, port included', () => {
    expect(canisterIdsPath(root, { kind: 'url', url: 'https://testnet.example.org' })).toBe(
      join(root, '.citadel', 'networks', 'testnet.example.org', 'canister_ids.json'),
    );
    expect(canisterIdsPath(root, { kind: 'url', url: 'http://127.0.0.1:8080' })).toBe(
      join(root, '.citadel', 'networks', '127.0.0.1_8080', 'canister_ids.json'),
    );
    expect(canisterIdsPath(root, { kind: 'url', url: 'http://127.0.0.1:9090' })).not.toBe(
      canisterIdsPath(root, { kind: 'url', url: 'http://127.0.0.1:8080' }),
    );
  });
});

describe('canisterUrl', () => {
  it('serves a local canister at <id>.localhost on the network port', () => {
    expect(canisterUrl({ kind: 'local' }, 'http://127.0.0.1:4943', ID)).toBe(
      `http://${ID}.localhost:4943/`,
    );
    expect(canisterUrl({ kind: 'local' }, 'http://localhost:8000', ID)).toBe(
      `http://${ID}.localhost:8000/`,
    );
  });

  it('serves a mainnet canister at <id>.icp0.io whatever the API URL', () => {
    expect(canisterUrl({ kind: 'ic' }, IC_API_URL, ID)).toBe(`https://${ID}.icp0.io/`);
  });

  it('keeps the host, scheme and port of another network', () => {
    const network = { kind: 'url', url: 'https://testnet.example.org' } as const;
    expect(canisterUrl(network, 'https://testnet.example.org', ID)).toBe(
      `https://${ID}.testnet.example.org/`,
    );
    expect(canisterUrl(network, 'http://10.0.0.5:4943', ID)).toBe(`http://${ID}.10.0.0.5:4943/`);
  });
});
