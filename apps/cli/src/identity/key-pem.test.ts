import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isCitadelError } from '@citadel/protocol';
import { Ed25519KeyIdentity, Ed25519PublicKey } from '@dfinity/identity';
import { Secp256k1KeyIdentity } from '@dfinity/identity-secp256k1';
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';
import { CliErrorCode } from '../errors.js';
import {
  DFX_ED25519_PEM,
  OPENSSL_ED25519,
  OPENSSL_P256_PEM,
  OPENSSL_SECP256K1,
  OPENSSL_SECP256K1_COMPRESSED_PEM,
  OPENSSL_SECP256K1_NO_PUBLIC_PEM,
  OPENSSL_SECP256K1_PKCS8,
  RFC5958_ED25519_PEM,
} from '../testing/identity-fixtures.js';
import { makeTempDir } from '../testing/fakes.js';
import { encodeDer, encodeDerSequence } from './der.js';
import {
  decodePrivateKeyPem,
  encodeEd25519PrivateKeyPem,
  generateEd25519Key,
  identityFromPem,
} from './key-pem.js';
import { encodePemBlock } from './pem.js';

const fromHex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));
const principalOfSpki = (spkiHex: string): string =>
  Principal.selfAuthenticating(fromHex(spkiHex)).toText();

/** The error identityFromPem throws for `text`. */
function pemError(text: string): { code: string; message: string; reason: unknown } {
  try {
    identityFromPem(text, 'key.pem', 'Do something.');
  } catch (error) {
    if (isCitadelError(error)) {
      return { code: error.code, message: error.message, reason: error.details.reason };
    }
    throw error;
  }
  throw new Error('identityFromPem did not fail');
}

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('Ed25519 key files', () => {
  it('reads the PKCS#8 v1 file OpenSSL writes, giving the principal of its public key', () => {
    const { identity, keyType } = identityFromPem(OPENSSL_ED25519.pem, 'key.pem', '');
    expect(keyType).toBe('ed25519');
    expect(identity.getPrincipal().toText()).toBe(OPENSSL_ED25519.principal);
    expect(principalOfSpki(OPENSSL_ED25519.spkiHex)).toBe(OPENSSL_ED25519.principal);
    const expected = Ed25519KeyIdentity.fromSecretKey(fromHex(OPENSSL_ED25519.seedHex));
    expect(identity.getPrincipal().toText()).toBe(expected.getPrincipal().toText());
  });

  it('writes byte for byte the file OpenSSL writes for the same seed', () => {
    expect(encodeEd25519PrivateKeyPem(fromHex(OPENSSL_ED25519.seedHex))).toBe(OPENSSL_ED25519.pem);
  });

  it('reads the v2 form with the public key, as dfx writes it and as RFC 5958 writes it', () => {
    for (const pem of [DFX_ED25519_PEM, RFC5958_ED25519_PEM]) {
      const decoded = decodePrivateKeyPem(pem);
      expect(decoded.keyType).toBe('ed25519');
      expect(Buffer.from(decoded.secretKey).toString('hex')).toBe(OPENSSL_ED25519.seedHex);
      expect(Buffer.from(decoded.publicKey ?? []).toString('hex')).toBe(
        OPENSSL_ED25519.spkiHex.slice(-64),
      );
      expect(identityFromPem(pem, 'key.pem', '').identity.getPrincipal().toText()).toBe(
        OPENSSL_ED25519.principal,
      );
    }
  });

  it('round-trips a generated key: same principal, signatures that verify', async () => {
    const { pem, key } = generateEd25519Key();
    const read = identityFromPem(pem, 'key.pem', '');
    expect(read.identity.getPrincipal().toText()).toBe(key.identity.getPrincipal().toText());
    const message = new TextEncoder().encode('citadel');
    const signature = await read.identity.sign(message);
    const publicKey = Ed25519PublicKey.fromDer(read.identity.getPublicKey().toDer()).toRaw();
    expect(Ed25519KeyIdentity.verify(signature, message, publicKey)).toBe(true);
  });

  it('rejects a v2 file whose public key is not that of its private key', () => {
    // Flip one bit of the public key at the end of the dfx form.
    const der = Buffer.from(DFX_ED25519_PEM.split('\n').slice(1, 3).join(''), 'base64');
    der[der.length - 1] = (der.at(-1) ?? 0) ^ 1;
    const error = pemError(encodePemBlock('PRIVATE KEY', der));
    expect(error.code).toBe(CliErrorCode.IDENTITY_PEM_INVALID);
    expect(error.reason).toBe('the public key in it does not belong to its private key');
  });

  it('rejects a seed that is not 32 bytes', () => {
    const der = encodeDerSequence(
      encodeDer(0x02, Uint8Array.of(0)),
      encodeDerSequence(encodeDer(0x06, Uint8Array.of(0x2b, 0x65, 0x70))),
      encodeDer(0x04, encodeDer(0x04, new Uint8Array(31).fill(1))),
    );
    expect(pemError(encodePemBlock('PRIVATE KEY', der)).reason).toBe(
      'the Ed25519 private key has 31 bytes, not 32',
    );
  });
});

describe('secp256k1 key files', () => {
  it('reads EC PARAMETERS + EC PRIVATE KEY as openssl ecparam and dfx write it', () => {
    const { identity, keyType } = identityFromPem(OPENSSL_SECP256K1.pem, 'key.pem', '');
    expect(keyType).toBe('secp256k1');
    expect(identity.getPrincipal().toText()).toBe(OPENSSL_SECP256K1.principal);
    expect(principalOfSpki(OPENSSL_SECP256K1.spkiHex)).toBe(OPENSSL_SECP256K1.principal);
    const expected = Secp256k1KeyIdentity.fromSecretKey(fromHex(OPENSSL_SECP256K1.secretHex));
    expect(identity.getPrincipal().toText()).toBe(expected.getPrincipal().toText());
    // The library's own reader takes the key only without the EC PARAMETERS block.
    const withoutParameters = OPENSSL_SECP256K1.pem.split('\n').slice(3).join('\n');
    expect(Secp256k1KeyIdentity.fromPem(withoutParameters).getPrincipal().toText()).toBe(
      OPENSSL_SECP256K1.principal,
    );
  });

  it('reads the same key with a compressed public key, without one, and without EC PARAMETERS', () => {
    const withoutParameters = OPENSSL_SECP256K1.pem.split('\n').slice(3).join('\n');
    for (const pem of [
      OPENSSL_SECP256K1_COMPRESSED_PEM,
      OPENSSL_SECP256K1_NO_PUBLIC_PEM,
      withoutParameters,
    ]) {
      expect(identityFromPem(pem, 'key.pem', '').identity.getPrincipal().toText()).toBe(
        OPENSSL_SECP256K1.principal,
      );
    }
  });

  it('reads a secp256k1 key wrapped in PKCS#8 (openssl genpkey -algorithm EC)', () => {
    const { identity, keyType } = identityFromPem(OPENSSL_SECP256K1_PKCS8.pem, 'key.pem', '');
    expect(keyType).toBe('secp256k1');
    expect(identity.getPrincipal().toText()).toBe(OPENSSL_SECP256K1_PKCS8.principal);
    expect(principalOfSpki(OPENSSL_SECP256K1_PKCS8.spkiHex)).toBe(
      OPENSSL_SECP256K1_PKCS8.principal,
    );
  });

  it('refuses a P-256 key, naming the curve', () => {
    const error = pemError(OPENSSL_P256_PEM);
    expect(error.code).toBe(CliErrorCode.IDENTITY_PEM_INVALID);
    expect(error.message).toBe(
      'key.pem is not a usable identity key: the EC key is on the curve P-256 (prime256v1), 1.2.840.10045.3.1.7; only Ed25519 and secp256k1 keys can be identities. Do something.',
    );
  });

  it('refuses a key whose EC PARAMETERS name another curve than the key', () => {
    const p256Parameters =
      '-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n';
    expect(pemError(p256Parameters + OPENSSL_SECP256K1_NO_PUBLIC_PEM).reason).toMatch(
      /names two curves/,
    );
  });

  it('refuses a scalar of zero, which is out of range', () => {
    const der = encodeDerSequence(
      encodeDer(0x02, Uint8Array.of(1)),
      encodeDer(0x04, new Uint8Array(32)),
      encodeDer(0xa0, encodeDer(0x06, Uint8Array.of(0x2b, 0x81, 0x04, 0x00, 0x0a))),
    );
    expect(pemError(encodePemBlock('EC PRIVATE KEY', der)).reason).toBe(
      'the secp256k1 private key is out of range',
    );
  });
});

describe('malformed key files', () => {
  const rsaLike = encodePemBlock(
    'PRIVATE KEY',
    encodeDerSequence(
      encodeDer(0x02, Uint8Array.of(0)),
      encodeDerSequence(
        encodeDer(0x06, Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01)),
      ),
      encodeDer(0x04, Uint8Array.of(0x30, 0x00)),
    ),
  );
  it.each([
    ['a path instead of PEM text', '/home/me/key.pem', /does not start with a -----BEGIN/],
    [
      'a public key',
      '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n',
      /PUBLIC KEY block, not a private key/,
    ],
    [
      'an encrypted key',
      '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n',
      /encrypted/,
    ],
    ['two keys', OPENSSL_ED25519.pem + OPENSSL_ED25519.pem, /2 private keys/],
    [
      'a truncated key',
      OPENSSL_ED25519.pem.replace('MC4CAQAw', 'MC8CAQAw'),
      /shorter than an element says/,
    ],
    ['an RSA key', rsaLike, /RSA, 1\.2\.840\.113549\.1\.1\.1; only Ed25519 and secp256k1/],
    [
      'EC PARAMETERS before a PKCS#8 key',
      OPENSSL_SECP256K1.pem.split('\n').slice(0, 3).join('\n') + '\n' + OPENSSL_ED25519.pem,
      /EC PRIVATE KEY block only/,
    ],
    [
      'garbage inside the block',
      '-----BEGIN PRIVATE KEY-----\nBQA=\n-----END PRIVATE KEY-----\n',
      /not a DER SEQUENCE/,
    ],
  ])('rejects %s with CLI_IDENTITY_PEM_INVALID and the reason', (_what, text, reason) => {
    const error = pemError(text);
    expect(error.code).toBe(CliErrorCode.IDENTITY_PEM_INVALID);
    expect(error.message).toMatch(/^key\.pem is not a usable identity key: /);
    expect(error.message).toMatch(reason);
    expect(error.message.endsWith(' Do something.')).toBe(true);
  });
});

describe.skipIf(!hasOpenssl())('against the openssl command', () => {
  it('agrees with OpenSSL on fresh keys of both types, and OpenSSL reads the files Citadel writes', async () => {
    const dir = await makeTempDir();
    try {
      const run = (...args: string[]): Buffer => execFileSync('openssl', args);
      const ed = join(dir.path, 'ed.pem');
      const k1 = join(dir.path, 'k1.pem');
      run('genpkey', '-algorithm', 'ed25519', '-out', ed);
      run('ecparam', '-name', 'secp256k1', '-genkey', '-out', k1);
      for (const file of [ed, k1]) {
        const spki = run('pkey', '-in', file, '-pubout', '-outform', 'DER').toString('hex');
        const text = await readFile(file, 'utf8');
        expect(identityFromPem(text, file, '').identity.getPrincipal().toText()).toBe(
          principalOfSpki(spki),
        );
      }
      const { pem, key } = generateEd25519Key();
      const ours = join(dir.path, 'ours.pem');
      await writeFile(ours, pem);
      const spki = run('pkey', '-in', ours, '-pubout', '-outform', 'DER').toString('hex');
      expect(principalOfSpki(spki)).toBe(key.identity.getPrincipal().toText());
    } finally {
      await dir.remove();
    }
  });
});
