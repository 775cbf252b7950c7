import { describe, expect, it } from 'vitest';
import { resolveConsoleConfig } from './console-config';

const DIRECTORY = 'rrkah-fqaaa-aaaaa-aaaaq-cai';

describe('resolveConsoleConfig', () => {
  it('fetches the root key on a local network, the default', () => {
    expect(resolveConsoleConfig({ directoryCanisterId: DIRECTORY, network: undefined })).toEqual({
      ok: true,
      config: { directoryCanisterId: DIRECTORY, network: 'local', fetchRootKey: true },
    });
  });

  it('keeps the built-in root key on mainnet', () => {
    const result = resolveConsoleConfig({ directoryCanisterId: DIRECTORY, network: 'ic' });
    expect(result.ok && result.config.fetchRootKey).toBe(false);
  });

  it('fails when the directory canister id is missing or blank', () => {
    for (const directoryCanisterId of [undefined, '', '  ']) {
      const result = resolveConsoleConfig({ directoryCanisterId, network: 'local' });
      expect(result).toMatchObject({ ok: false, problem: 'missing-directory-id' });
    }
  });

  it('fails when the directory canister id is not a principal', () => {
    const result = resolveConsoleConfig({ directoryCanisterId: 'directory', network: 'local' });
    expect(result).toMatchObject({ ok: false, problem: 'invalid-directory-id' });
    expect(!result.ok && result.message).toMatch(/"directory"/);
  });
});
