import { chmod, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isCitadelError } from '@citadel/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliErrorCode } from '../errors.js';
import { OPENSSL_ED25519, OPENSSL_SECP256K1 } from '../testing/identity-fixtures.js';
import { makeTempDir } from '../testing/fakes.js';
import {
  assertIdentityName,
  createIdentity,
  identityPemPath,
  identityStorePaths,
  importIdentity,
  isValidIdentityName,
  listIdentityNames,
  readDefaultIdentityName,
  readStoredIdentity,
  resolveConfigDir,
  setDefaultIdentity,
  writeIdentityPem,
} from './identity-store.js';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isCitadelError(error)) {
      return error.code;
    }
    throw error;
  }
  throw new Error('did not fail');
}

const posixOnly = process.platform === 'win32';

describe('resolveConfigDir', () => {
  const base = { homeDir: '/home/ada', cwd: '/work/project' };

  it('uses CITADEL_CONFIG_DIR first, relative to the working directory', () => {
    const env = { CITADEL_CONFIG_DIR: 'conf', XDG_CONFIG_HOME: '/xdg' };
    expect(resolveConfigDir({ ...base, env })).toBe('/work/project/conf');
    expect(resolveConfigDir({ ...base, env: { CITADEL_CONFIG_DIR: '/etc/c' } })).toBe('/etc/c');
  });

  it('then $XDG_CONFIG_HOME/citadel, ignoring a relative XDG_CONFIG_HOME as the spec says', () => {
    expect(resolveConfigDir({ ...base, env: { XDG_CONFIG_HOME: '/xdg' } })).toBe('/xdg/citadel');
    expect(resolveConfigDir({ ...base, env: { XDG_CONFIG_HOME: 'rel' } })).toBe(
      '/home/ada/.config/citadel',
    );
  });

  it('then ~/.config/citadel; empty variables count as unset', () => {
    expect(resolveConfigDir({ ...base, env: {} })).toBe('/home/ada/.config/citadel');
    expect(
      resolveConfigDir({ ...base, env: { CITADEL_CONFIG_DIR: '', XDG_CONFIG_HOME: '' } }),
    ).toBe('/home/ada/.config/citadel');
  });
});

describe('identity names', () => {
  it.each(['default', 'alice', 'ci.deploy', 'my_key-2', 'A', 'a'.repeat(64), 'a..b'])(
    'accepts %s',
    (name) => {
      expect(isValidIdentityName(name)).toBe(true);
      expect(() => assertIdentityName(name)).not.toThrow();
    },
  );

  it.each(['', '.hidden', '..', 'a/b', '../up', 'a b', 'é', 'a:b', 'a'.repeat(65), 'x\n'])(
    'rejects %j with CLI_IDENTITY_NAME_INVALID',
    (name) => {
      expect(isValidIdentityName(name)).toBe(false);
      try {
        assertIdentityName(name);
        expect.unreachable();
      } catch (error) {
        expect(isCitadelError(error) && error.code).toBe(CliErrorCode.IDENTITY_NAME_INVALID);
        expect(String(error)).toContain("use 1 to 64 letters, digits, '.', '_' or '-'");
      }
    },
  );
});

describe('the identity store', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let configDir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
    configDir = join(dir.path, 'config');
  });
  afterEach(() => dir.remove());

  it.skipIf(posixOnly)(
    'writes key files with mode 0600 in a 0700 directory, tightening an existing one',
    async () => {
      const { identitiesDir } = identityStorePaths(configDir);
      await mkdir(identitiesDir, { recursive: true, mode: 0o755 });
      await chmod(identitiesDir, 0o755);
      const created = await createIdentity(configDir, 'alice', { force: false });
      expect(created.path).toBe(identityPemPath(configDir, 'alice'));
      expect((await stat(created.path)).mode & 0o777).toBe(0o600);
      expect((await stat(identitiesDir)).mode & 0o777).toBe(0o700);
      const imported = await importIdentity(configDir, 'bob', OPENSSL_ED25519.pem, {
        force: false,
        origin: 'bob.pem',
      });
      expect((await stat(imported.path)).mode & 0o777).toBe(0o600);
    },
  );

  it('creates Ed25519 identities whose stored file reads back to the same principal', async () => {
    const created = await createIdentity(configDir, 'alice', { force: false });
    expect(created.keyType).toBe('ed25519');
    expect(created.pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=]{64}\n-----END/);
    const read = await readStoredIdentity(configDir, 'alice');
    expect(read.principal.toText()).toBe(created.principal.toText());
    expect(read.pem).toBe(await readFile(created.path, 'utf8'));
  });

  it('never replaces an identity without force, and replaces it with force', async () => {
    const first = await createIdentity(configDir, 'alice', { force: false });
    expect(await codeOf(createIdentity(configDir, 'alice', { force: false }))).toBe(
      CliErrorCode.IDENTITY_EXISTS,
    );
    expect((await readStoredIdentity(configDir, 'alice')).pem).toBe(first.pem);
    const second = await createIdentity(configDir, 'alice', { force: true });
    expect(second.replaced).toBe(true);
    expect(second.principal.toText()).not.toBe(first.principal.toText());
    expect((await readStoredIdentity(configDir, 'alice')).pem).toBe(second.pem);
  });

  it('lets exactly one of many simultaneous creations of a name win, leaving no temporary files', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => createIdentity(configDir, 'race', { force: false })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const stored = await readStoredIdentity(configDir, 'race');
    expect(won[0]?.status === 'fulfilled' && won[0].value.pem).toBe(stored.pem);
    expect(await readdir(identityStorePaths(configDir).identitiesDir)).toEqual(['race.pem']);
  });

  it('imports a secp256k1 key, storing its text with LF line ends', async () => {
    const crlf = OPENSSL_SECP256K1.pem.replaceAll('\n', '\r\n');
    const imported = await importIdentity(configDir, 'dfx', `\n${crlf}\n`, {
      force: false,
      origin: 'dfx.pem',
    });
    expect(imported.keyType).toBe('secp256k1');
    expect(imported.principal.toText()).toBe(OPENSSL_SECP256K1.principal);
    expect(await readFile(imported.path, 'utf8')).toBe(OPENSSL_SECP256K1.pem);
  });

  it('refuses to import a malformed key and stores nothing', async () => {
    const code = await codeOf(
      importIdentity(configDir, 'bad', 'not a key', { force: false, origin: 'bad.pem' }),
    );
    expect(code).toBe(CliErrorCode.IDENTITY_PEM_INVALID);
    expect(await listIdentityNames(configDir)).toEqual([]);
  });

  it('reports a missing identity as CLI_IDENTITY_NOT_FOUND, naming the list command', async () => {
    try {
      await readStoredIdentity(configDir, 'ghost');
      expect.unreachable();
    } catch (error) {
      expect(isCitadelError(error) && error.code).toBe(CliErrorCode.IDENTITY_NOT_FOUND);
      expect(String(error)).toContain('Run `citadel identity list` to see the names');
    }
  });

  it('reports a damaged key file as CLI_IDENTITY_PEM_INVALID, naming the file', async () => {
    await writeIdentityPem(configDir, 'broken', 'oops\n', { force: false });
    try {
      await readStoredIdentity(configDir, 'broken');
      expect.unreachable();
    } catch (error) {
      expect(isCitadelError(error) && error.code).toBe(CliErrorCode.IDENTITY_PEM_INVALID);
      expect(String(error)).toContain(identityPemPath(configDir, 'broken'));
    }
  });

  it('lists the names of <name>.pem files only, sorted', async () => {
    expect(await listIdentityNames(configDir)).toEqual([]);
    await createIdentity(configDir, 'zed', { force: false });
    await createIdentity(configDir, 'alice', { force: false });
    const { identitiesDir } = identityStorePaths(configDir);
    await writeFile(join(identitiesDir, '.alice.pem.1.ab.tmp'), '');
    await writeFile(join(identitiesDir, '.hidden.pem'), '');
    await writeFile(join(identitiesDir, 'notes.txt'), '');
    expect(await listIdentityNames(configDir)).toEqual(['alice', 'zed']);
  });
});

describe('the default identity', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let configDir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
    configDir = join(dir.path, 'config');
  });
  afterEach(() => dir.remove());

  it('is unset without identity.json, and set by setDefaultIdentity to an existing identity', async () => {
    expect(await readDefaultIdentityName(configDir)).toBeNull();
    await createIdentity(configDir, 'alice', { force: false });
    const stored = await setDefaultIdentity(configDir, 'alice');
    expect(stored.name).toBe('alice');
    expect(await readDefaultIdentityName(configDir)).toBe('alice');
    expect(JSON.parse(await readFile(identityStorePaths(configDir).defaultFile, 'utf8'))).toEqual({
      default: 'alice',
    });
  });

  it('cannot be set to an identity that does not exist', async () => {
    expect(await codeOf(setDefaultIdentity(configDir, 'ghost'))).toBe(
      CliErrorCode.IDENTITY_NOT_FOUND,
    );
    expect(await readDefaultIdentityName(configDir)).toBeNull();
  });

  it('keeps the other fields of identity.json, and rewrites a damaged one', async () => {
    await createIdentity(configDir, 'alice', { force: false });
    const { defaultFile } = identityStorePaths(configDir);
    await writeFile(defaultFile, JSON.stringify({ default: 'x', future: 1 }));
    await setDefaultIdentity(configDir, 'alice');
    expect(JSON.parse(await readFile(defaultFile, 'utf8'))).toEqual({
      default: 'alice',
      future: 1,
    });
    await writeFile(defaultFile, '{ not json');
    await setDefaultIdentity(configDir, 'alice');
    expect(await readDefaultIdentityName(configDir)).toBe('alice');
  });

  it.each([
    ['not JSON', '{'],
    ['an array', '[]'],
    ['an invalid name', '{ "default": "../x" }'],
    ['a number', '{ "default": 7 }'],
  ])('reports identity.json holding %s as CLI_IDENTITY_CONFIG_INVALID', async (_what, text) => {
    await mkdir(configDir, { recursive: true });
    await writeFile(identityStorePaths(configDir).defaultFile, text);
    expect(await codeOf(readDefaultIdentityName(configDir))).toBe(
      CliErrorCode.IDENTITY_CONFIG_INVALID,
    );
  });

  it('switches atomically: concurrent readers always see one whole name or the other', async () => {
    await createIdentity(configDir, 'alice', { force: false });
    await createIdentity(configDir, 'bob', { force: false });
    await setDefaultIdentity(configDir, 'alice');
    let switching = true;
    const seen = new Set<string | null>();
    const reader = (async () => {
      while (switching) {
        seen.add(await readDefaultIdentityName(configDir));
      }
    })();
    for (let i = 0; i < 40; i++) {
      await setDefaultIdentity(configDir, i % 2 === 0 ? 'bob' : 'alice');
    }
    switching = false;
    await reader;
    expect([...seen].every((name) => name === 'alice' || name === 'bob')).toBe(true);
    expect(await readdir(configDir)).toEqual(['identities', 'identity.json']);
  });
});
