import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isCitadelError } from '@citadel/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliErrorCode } from '../errors.js';
import { OPENSSL_ED25519, OPENSSL_SECP256K1 } from '../testing/identity-fixtures.js';
import { makeTempDir } from '../testing/fakes.js';
import {
  createIdentity,
  identityPemPath,
  identityStorePaths,
  importIdentity,
  listIdentityNames,
  readDefaultIdentityName,
  setDefaultIdentity,
} from './identity-store.js';
import {
  ENV_IDENTITY_NAME,
  displayPath,
  loadCommandIdentity,
  loadIdentity,
} from './load-identity.js';

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isCitadelError(error)) {
      return { code: error.code, message: error.message };
    }
    throw error;
  }
  throw new Error('did not fail');
}

describe('loadIdentity', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let configDir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
    configDir = join(dir.path, 'config');
  });
  afterEach(() => dir.remove());

  it('on first use creates an Ed25519 identity "default", makes it the default and says so', async () => {
    const first = await loadIdentity({ env: {}, configDir });
    expect(first).toMatchObject({
      name: 'default',
      source: 'created',
      keyType: 'ed25519',
      path: identityPemPath(configDir, 'default'),
    });
    expect(first.principal.toText()).toBe(first.identity.getPrincipal().toText());
    expect(await readDefaultIdentityName(configDir)).toBe('default');
    if (process.platform !== 'win32') {
      expect((await stat(identityPemPath(configDir, 'default'))).mode & 0o777).toBe(0o600);
    }
    const again = await loadIdentity({ env: {}, configDir });
    expect(again.source).toBe('default');
    expect(again.principal.toText()).toBe(first.principal.toText());
  });

  it('creates one "default" when several commands start at once', async () => {
    const all = await Promise.all(
      Array.from({ length: 6 }, () => loadIdentity({ env: {}, configDir })),
    );
    expect(new Set(all.map((loaded) => loaded.principal.toText())).size).toBe(1);
    expect(all.filter((loaded) => loaded.source === 'created')).toHaveLength(1);
    expect(await listIdentityNames(configDir)).toEqual(['default']);
  });

  it('uses the default of identity.json', async () => {
    await createIdentity(configDir, 'default', { force: false });
    const alice = await createIdentity(configDir, 'alice', { force: false });
    await setDefaultIdentity(configDir, 'alice');
    const loaded = await loadIdentity({ env: {}, configDir });
    expect(loaded).toMatchObject({ name: 'alice', source: 'default', path: alice.path });
    expect(loaded.principal.toText()).toBe(alice.principal.toText());
  });

  it('uses an existing "default" when identity.json names none, without writing it', async () => {
    const existing = await createIdentity(configDir, 'default', { force: false });
    const loaded = await loadIdentity({ env: {}, configDir });
    expect(loaded.source).toBe('default');
    expect(loaded.principal.toText()).toBe(existing.principal.toText());
    expect(await readDefaultIdentityName(configDir)).toBeNull();
  });

  it('prefers CITADEL_IDENTITY_PEM to the default, and names it env:CITADEL_IDENTITY_PEM', async () => {
    await createIdentity(configDir, 'alice', { force: false });
    await setDefaultIdentity(configDir, 'alice');
    const loaded = await loadIdentity({
      env: { CITADEL_IDENTITY_PEM: OPENSSL_SECP256K1.pem },
      configDir,
    });
    expect(loaded).toMatchObject({
      name: ENV_IDENTITY_NAME,
      source: 'env',
      keyType: 'secp256k1',
      path: null,
    });
    expect(ENV_IDENTITY_NAME).toBe('env:CITADEL_IDENTITY_PEM');
    expect(loaded.principal.toText()).toBe(OPENSSL_SECP256K1.principal);
  });

  it('does not create "default" when CITADEL_IDENTITY_PEM is set', async () => {
    await loadIdentity({ env: { CITADEL_IDENTITY_PEM: OPENSSL_ED25519.pem }, configDir });
    expect(await listIdentityNames(configDir)).toEqual([]);
  });

  it('reads CITADEL_IDENTITY_PEM with its line breaks escaped as \\n, as some CI secrets hold it', async () => {
    const escaped = OPENSSL_ED25519.pem.replaceAll('\n', '\\n');
    const loaded = await loadIdentity({ env: { CITADEL_IDENTITY_PEM: escaped }, configDir });
    expect(loaded.principal.toText()).toBe(OPENSSL_ED25519.principal);
  });

  it('ignores an empty CITADEL_IDENTITY_PEM', async () => {
    const loaded = await loadIdentity({ env: { CITADEL_IDENTITY_PEM: '  ' }, configDir });
    expect(loaded.source).toBe('created');
  });

  it('rejects a CITADEL_IDENTITY_PEM holding a path, saying it takes the text', async () => {
    const error = await failure(
      loadIdentity({ env: { CITADEL_IDENTITY_PEM: '/secrets/ci.pem' }, configDir }),
    );
    expect(error.code).toBe(CliErrorCode.IDENTITY_PEM_INVALID);
    expect(error.message).toMatch(/^CITADEL_IDENTITY_PEM is not a usable identity key: /);
    expect(error.message).toContain('It takes the text of a key file, not its path');
  });

  it('prefers an explicit name to CITADEL_IDENTITY_PEM and the default', async () => {
    await createIdentity(configDir, 'default', { force: false });
    const ci = await importIdentity(configDir, 'ci', OPENSSL_ED25519.pem, {
      force: false,
      origin: 'ci.pem',
    });
    const loaded = await loadIdentity({
      env: { CITADEL_IDENTITY_PEM: OPENSSL_SECP256K1.pem },
      configDir,
      name: 'ci',
    });
    expect(loaded).toMatchObject({ name: 'ci', source: 'explicit', path: ci.path });
    expect(loaded.principal.toText()).toBe(OPENSSL_ED25519.principal);
  });

  it('fails for an explicit name that does not exist, creating nothing', async () => {
    const error = await failure(loadIdentity({ env: {}, configDir, name: 'ghost' }));
    expect(error.code).toBe(CliErrorCode.IDENTITY_NOT_FOUND);
    expect(await listIdentityNames(configDir)).toEqual([]);
  });

  it('fails for an explicit name that is not a name', async () => {
    const error = await failure(loadIdentity({ env: {}, configDir, name: '../etc/passwd' }));
    expect(error.code).toBe(CliErrorCode.IDENTITY_NAME_INVALID);
  });

  it('fails, rather than creating another key, when the configured default has no key file', async () => {
    await createIdentity(configDir, 'alice', { force: false });
    await setDefaultIdentity(configDir, 'alice');
    await rm(identityPemPath(configDir, 'alice'));
    const error = await failure(loadIdentity({ env: {}, configDir }));
    expect(error.code).toBe(CliErrorCode.IDENTITY_NOT_FOUND);
    expect(error.message).toBe(
      `The default identity "alice" (set in ${identityStorePaths(configDir).defaultFile}) has no key file. Run \`citadel identity list\` to see the names, then \`citadel identity use <name>\` to pick one.`,
    );
    expect(await listIdentityNames(configDir)).toEqual([]);
  });

  it('fails with CLI_IDENTITY_CONFIG_INVALID on a damaged identity.json', async () => {
    await createIdentity(configDir, 'default', { force: false });
    await writeFile(identityStorePaths(configDir).defaultFile, '{"default": 42}');
    expect((await failure(loadIdentity({ env: {}, configDir }))).code).toBe(
      CliErrorCode.IDENTITY_CONFIG_INVALID,
    );
  });
});

describe('loadCommandIdentity', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => dir.remove());

  it('prints the creation of "default" to stderr with the path under ~, once', async () => {
    const err: string[] = [];
    const context = {
      env: {},
      homeDir: dir.path,
      cwd: dir.path,
      stderr: (l: string) => err.push(l),
    };
    const loaded = await loadCommandIdentity(context);
    expect(err).toEqual([
      `Created identity "default" (principal ${loaded.principal.toText()}) in ~/.config/citadel/identities/default.pem; back it up, it is the only copy of the key.`,
    ]);
    expect(await readFile(join(dir.path, '.config', 'citadel', 'identity.json'), 'utf8')).toContain(
      '"default": "default"',
    );
    await loadCommandIdentity(context);
    expect(err).toHaveLength(1);
  });

  it('formats paths outside the home directory as they are', () => {
    expect(displayPath('/home/ada/.config/x', '/home/ada')).toBe('~/.config/x');
    expect(displayPath('/home/adam/x', '/home/ada')).toBe('/home/adam/x');
    expect(displayPath('/etc/x', '/')).toBe('/etc/x');
  });
});
