import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_FAILURE, EXIT_USAGE, runCli } from '../cli.js';
import type { FakeCliContext } from '../testing/fakes.js';
import { makeFakeCliContext, makeTempDir } from '../testing/fakes.js';
import {
  OPENSSL_ED25519,
  OPENSSL_P256_PEM,
  OPENSSL_SECP256K1,
} from '../testing/identity-fixtures.js';

/** Principal text: groups of five base32 characters. */
const PRINCIPAL = /^[a-z2-7]{5}(-[a-z2-7]{1,5})+$/;

describe('citadel identity', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let config: string;
  beforeEach(async () => {
    dir = await makeTempDir();
    config = join(dir.path, '.config', 'citadel');
  });
  afterEach(() => dir.remove());

  /** Runs `citadel <argv>` with home and working directory in the temporary directory. */
  async function run(
    argv: string[],
    env: Record<string, string> = {},
  ): Promise<FakeCliContext & { code: number }> {
    const fake = makeFakeCliContext(dir.path, env);
    const code = await runCli(argv, fake.context);
    return { ...fake, code };
  }

  it('lists the identity commands in the help', async () => {
    const top = await run(['--help']);
    expect(top.out.join('\n')).toMatch(/identity new <name>\s+Create an Ed25519 identity/);
    expect(top.out.join('\n')).toMatch(/identity import <name> <pem-file>\s+Store a PEM key/);
    const group = await run(['identity', '--help']);
    expect(group.out.join('\n').split('\n')[0]).toBe('Usage: citadel identity <command> [options]');
    expect(group.out.join('\n')).toMatch(/whoami\s+Print the principal of the identity in effect/);
    const whoami = await run(['help', 'identity', 'whoami']);
    expect(whoami.out.join('\n')).toContain('--identity <name>');
  });

  it('new creates an Ed25519 identity and prints its name, principal and key file', async () => {
    const h = await run(['identity', 'new', 'alice']);
    expect(h.code).toBe(0);
    expect(h.err).toEqual([]);
    expect(h.out[0]).toBe('Created identity "alice" (Ed25519)');
    expect(h.out[1]).toMatch(/^ {2}Principal: {2}[a-z2-7-]+$/);
    expect(h.out[2]).toBe('  Key file:   ~/.config/citadel/identities/alice.pem');
    expect(h.out[3]).toBe('Make it the default with `citadel identity use alice`.');
    expect(h.out[4]).toBe(
      'Back up the key file; it is the only copy (`citadel identity export alice`).',
    );
    const pem = join(config, 'identities', 'alice.pem');
    expect(await readFile(pem, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    if (process.platform !== 'win32') {
      expect((await stat(pem)).mode & 0o777).toBe(0o600);
    }
  });

  it('new refuses an existing name with CLI_IDENTITY_EXISTS and replaces it with --force', async () => {
    await run(['identity', 'new', 'alice']);
    const before = await readFile(join(config, 'identities', 'alice.pem'), 'utf8');
    const again = await run(['identity', 'new', 'alice']);
    expect(again.code).toBe(EXIT_FAILURE);
    expect(again.err).toEqual([
      `error[CLI_IDENTITY_EXISTS]: An identity named "alice" already exists (${join(config, 'identities', 'alice.pem')}). Choose another name, or pass --force to replace it; its key is lost unless you keep a copy (\`citadel identity export alice > alice.pem\`).`,
    ]);
    expect(await readFile(join(config, 'identities', 'alice.pem'), 'utf8')).toBe(before);
    const forced = await run(['identity', 'new', 'alice', '--force']);
    expect(forced.code).toBe(0);
    expect(forced.out[0]).toBe('Replaced identity "alice" (Ed25519)');
    expect(await readFile(join(config, 'identities', 'alice.pem'), 'utf8')).not.toBe(before);
  });

  it('new refuses an invalid name with CLI_IDENTITY_NAME_INVALID and exit 1', async () => {
    const h = await run(['identity', 'new', '.secret']);
    expect(h.code).toBe(EXIT_FAILURE);
    expect(h.err).toEqual([
      `error[CLI_IDENTITY_NAME_INVALID]: Invalid identity name ".secret": use 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'.`,
    ]);
  });

  it('new without a name is a usage error', async () => {
    const h = await run(['identity', 'new']);
    expect(h.code).toBe(EXIT_USAGE);
    expect(h.err[0]).toBe(
      'error[CLI_MISSING_ARGUMENT]: citadel identity new needs <name>: citadel identity new <name>.',
    );
    expect(h.err.join('\n')).toContain('Usage: citadel identity new <name> [options]');
  });

  it('list says how to start when there are no identities, and --json gives an empty list', async () => {
    const h = await run(['identity', 'list']);
    expect(h.code).toBe(0);
    expect(h.out).toEqual([
      'No identities in ~/.config/citadel/identities. Create one with `citadel identity new <name>`; commands that need one create "default".',
    ]);
    const json = await run(['identity', 'list', '--json']);
    expect(JSON.parse(json.out.join('\n'))).toEqual({ default: null, identities: [] });
  });

  it('list marks the default with * and shows principals; --json has the same', async () => {
    await writeFile(join(dir.path, 'k1.pem'), OPENSSL_SECP256K1.pem);
    await run(['identity', 'import', 'dfx', 'k1.pem']);
    await run(['identity', 'new', 'alice']);
    await run(['identity', 'use', 'alice']);
    const alice = (await run(['identity', 'whoami'])).out[0];
    const h = await run(['identity', 'list']);
    expect(h.out).toEqual([
      `* alice  ${alice}`,
      `  dfx    ${OPENSSL_SECP256K1.principal}  (secp256k1)`,
    ]);
    const json = await run(['identity', 'list', '--json']);
    expect(JSON.parse(json.out.join('\n'))).toEqual({
      default: 'alice',
      identities: [
        {
          name: 'alice',
          default: true,
          keyType: 'ed25519',
          principal: alice,
          file: join(config, 'identities', 'alice.pem'),
        },
        {
          name: 'dfx',
          default: false,
          keyType: 'secp256k1',
          principal: OPENSSL_SECP256K1.principal,
          file: join(config, 'identities', 'dfx.pem'),
        },
      ],
    });
  });

  it('list shows an unusable key file instead of failing, and notes CITADEL_IDENTITY_PEM', async () => {
    await mkdir(join(config, 'identities'), { recursive: true });
    await writeFile(join(config, 'identities', 'broken.pem'), 'junk\n');
    const h = await run(['identity', 'list'], { CITADEL_IDENTITY_PEM: OPENSSL_ED25519.pem });
    expect(h.code).toBe(0);
    expect(h.out).toEqual([
      '  broken  unusable: error[CLI_IDENTITY_PEM_INVALID]',
      'CITADEL_IDENTITY_PEM is set: commands use its key, not the default, unless given --identity.',
    ]);
  });

  it('list warns about a damaged identity.json and still lists', async () => {
    await run(['identity', 'new', 'alice']);
    await writeFile(join(config, 'identity.json'), 'nope');
    const h = await run(['identity', 'list']);
    expect(h.code).toBe(0);
    expect(h.err[0]).toMatch(/^warning: .*identity\.json is not JSON; it should be/);
    expect(h.out[0]).toMatch(/^ {2}alice {2}[a-z2-7-]+$/);
  });

  it('use sets the default atomically in identity.json and prints its principal', async () => {
    await run(['identity', 'new', 'alice']);
    const h = await run(['identity', 'use', 'alice']);
    expect(h.code).toBe(0);
    expect(h.out[0]).toMatch(/^Default identity: alice \(principal [a-z2-7-]+\)$/);
    expect(JSON.parse(await readFile(join(config, 'identity.json'), 'utf8'))).toEqual({
      default: 'alice',
    });
  });

  it('use of an unknown identity fails with CLI_IDENTITY_NOT_FOUND and what to run', async () => {
    const h = await run(['identity', 'use', 'ghost']);
    expect(h.code).toBe(EXIT_FAILURE);
    expect(h.err).toEqual([
      `error[CLI_IDENTITY_NOT_FOUND]: No identity named "ghost" in ${join(config, 'identities')}. Run \`citadel identity list\` to see the names, or \`citadel identity new ghost\` to create it.`,
    ]);
  });

  it('whoami on first use creates "default", saying so on stderr, and prints only the principal', async () => {
    const h = await run(['identity', 'whoami']);
    expect(h.code).toBe(0);
    expect(h.out).toHaveLength(1);
    expect(h.out[0]).toMatch(PRINCIPAL);
    expect(h.err).toEqual([
      `Created identity "default" (principal ${h.out[0]}) in ~/.config/citadel/identities/default.pem; back it up, it is the only copy of the key.`,
    ]);
    const again = await run(['identity', 'whoami', '--json']);
    expect(again.err).toEqual([]);
    expect(JSON.parse(again.out.join('\n'))).toEqual({
      name: 'default',
      principal: h.out[0],
      keyType: 'ed25519',
      source: 'default',
      file: join(config, 'identities', 'default.pem'),
    });
  });

  it('whoami honours CITADEL_IDENTITY_PEM, and --identity beats it', async () => {
    const env = { CITADEL_IDENTITY_PEM: OPENSSL_SECP256K1.pem };
    const h = await run(['identity', 'whoami', '--json'], env);
    expect(JSON.parse(h.out.join('\n'))).toEqual({
      name: 'env:CITADEL_IDENTITY_PEM',
      principal: OPENSSL_SECP256K1.principal,
      keyType: 'secp256k1',
      source: 'env',
      file: null,
    });
    await run(['identity', 'new', 'alice']);
    const explicit = await run(['identity', 'whoami', '--identity', 'alice', '--json'], env);
    expect(JSON.parse(explicit.out.join('\n'))).toMatchObject({
      name: 'alice',
      source: 'explicit',
    });
  });

  it('whoami with an invalid CITADEL_IDENTITY_PEM fails with CLI_IDENTITY_PEM_INVALID', async () => {
    const h = await run(['identity', 'whoami'], { CITADEL_IDENTITY_PEM: 'ci.pem' });
    expect(h.code).toBe(EXIT_FAILURE);
    expect(h.err[0]).toMatch(/^error\[CLI_IDENTITY_PEM_INVALID\]: CITADEL_IDENTITY_PEM is not/);
  });

  it('export prints the key file exactly as stored, which import takes back', async () => {
    await run(['identity', 'new', 'alice']);
    const h = await run(['identity', 'export', 'alice']);
    expect(h.code).toBe(0);
    const stored = await readFile(join(config, 'identities', 'alice.pem'), 'utf8');
    expect(`${h.out.join('\n')}\n`).toBe(stored);
    await writeFile(join(dir.path, 'backup.pem'), `${h.out.join('\n')}\n`);
    const imported = await run(['identity', 'import', 'copy', 'backup.pem']);
    expect(imported.code).toBe(0);
    const list = await run(['identity', 'list', '--json']);
    const principals = JSON.parse(list.out.join('\n')).identities.map(
      (i: { principal: string }) => i.principal,
    );
    expect(principals[0]).toBe(principals[1]);
  });

  it('export of an unknown identity fails with CLI_IDENTITY_NOT_FOUND', async () => {
    const h = await run(['identity', 'export', 'ghost']);
    expect(h.code).toBe(EXIT_FAILURE);
    expect(h.err[0]).toMatch(/^error\[CLI_IDENTITY_NOT_FOUND\]/);
    expect(h.out).toEqual([]);
  });

  it('import stores a dfx secp256k1 key (path relative to the working directory) and prints it', async () => {
    await writeFile(join(dir.path, 'dfx.pem'), OPENSSL_SECP256K1.pem);
    const h = await run(['identity', 'import', 'dfx', 'dfx.pem']);
    expect(h.code).toBe(0);
    expect(h.out).toEqual([
      'Imported identity "dfx" (secp256k1)',
      `  Principal:  ${OPENSSL_SECP256K1.principal}`,
      '  Key file:   ~/.config/citadel/identities/dfx.pem',
      'Make it the default with `citadel identity use dfx`.',
    ]);
    expect(await readFile(join(config, 'identities', 'dfx.pem'), 'utf8')).toBe(
      OPENSSL_SECP256K1.pem,
    );
    const exists = await run(['identity', 'import', 'dfx', 'dfx.pem']);
    expect(exists.err[0]).toMatch(/^error\[CLI_IDENTITY_EXISTS\]/);
    await writeFile(join(dir.path, 'ed.pem'), OPENSSL_ED25519.pem);
    const forced = await run(['identity', 'import', 'dfx', 'ed.pem', '--force']);
    expect(forced.out[0]).toBe('Replaced identity "dfx" (Ed25519)');
    expect(forced.out[1]).toBe(`  Principal:  ${OPENSSL_ED25519.principal}`);
  });

  it('import says "It is the default identity." when importing "default" with none set', async () => {
    await writeFile(join(dir.path, 'ed.pem'), OPENSSL_ED25519.pem);
    const h = await run(['identity', 'import', 'default', 'ed.pem']);
    expect(h.out.at(-1)).toBe('It is the default identity.');
  });

  it('import refuses a P-256 key, a missing file and a directory with CLI_IDENTITY_PEM_INVALID', async () => {
    await writeFile(join(dir.path, 'p256.pem'), OPENSSL_P256_PEM);
    const p256 = await run(['identity', 'import', 'x', 'p256.pem']);
    expect(p256.code).toBe(EXIT_FAILURE);
    expect(p256.err[0]).toBe(
      `error[CLI_IDENTITY_PEM_INVALID]: ${join(dir.path, 'p256.pem')} is not a usable identity key: the EC key is on the curve P-256 (prime256v1), 1.2.840.10045.3.1.7; only Ed25519 and secp256k1 keys can be identities. Citadel reads Ed25519 keys (\`-----BEGIN PRIVATE KEY-----\`) and secp256k1 keys (\`-----BEGIN EC PRIVATE KEY-----\`), as dfx and OpenSSL write them; a dfx identity comes out with \`dfx identity export <name>\`.`,
    );
    const missing = await run(['identity', 'import', 'x', 'nope.pem']);
    expect(missing.err[0]).toBe(
      `error[CLI_IDENTITY_PEM_INVALID]: ${join(dir.path, 'nope.pem')} is not a usable identity key: there is no such file. Pass the path of a PEM key file, e.g. one written by \`dfx identity export\`.`,
    );
    const directory = await run(['identity', 'import', 'x', '.']);
    expect(directory.err[0]).toMatch(/is not a usable identity key: it is not a file\./);
    expect((await run(['identity', 'list', '--json'])).out.join('')).toContain('"identities": []');
  });

  it('import checks the name before reading the file', async () => {
    const h = await run(['identity', 'import', 'a/b', 'nope.pem']);
    expect(h.err[0]).toMatch(/^error\[CLI_IDENTITY_NAME_INVALID\]/);
  });

  it('honours CITADEL_CONFIG_DIR for every command', async () => {
    const elsewhere = join(dir.path, 'elsewhere');
    const h = await run(['identity', 'new', 'ci'], { CITADEL_CONFIG_DIR: elsewhere });
    expect(h.out[2]).toBe('  Key file:   ~/elsewhere/identities/ci.pem');
    expect((await run(['identity', 'list'])).out[0]).toMatch(/^No identities/);
    const list = await run(['identity', 'list'], { CITADEL_CONFIG_DIR: elsewhere });
    expect(list.out[0]).toMatch(/^ {2}ci {2}[a-z2-7-]+$/);
  });
});
