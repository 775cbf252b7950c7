/**
 * Private key files: PKCS#8 Ed25519 (RFC 8410; v1 as OpenSSL writes it, v2 with the public
 * key as dfx writes it) and secp256k1 (SEC1 `EC PRIVATE KEY`, as dfx and `openssl ecparam`
 * write it, or wrapped in PKCS#8), turned into `@dfinity/identity` identities.
 */
import { randomBytes } from 'node:crypto';
import type { CitadelError } from '@citadel/protocol';
import type { SignIdentity } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Secp256k1KeyIdentity } from '@dfinity/identity-secp256k1';
import { CliErrorCode, createCliError } from '../errors.js';
import type { DerElement } from './der.js';
import {
  DerTag,
  KeyFormatError,
  decodeOid,
  encodeDer,
  encodeDerSequence,
  encodeOid,
  expectTag,
  readBitStringBytes,
  readDerElement,
  readDerElements,
  readSmallInteger,
} from './der.js';
import type { PemBlock } from './pem.js';
import { decodePemBlocks, encodePemBlock } from './pem.js';

/** The key types an identity can have. */
export type KeyType = 'ed25519' | 'secp256k1';

/** What a key file holds. */
export interface DecodedPrivateKey {
  readonly keyType: KeyType;
  /** Ed25519: the 32-byte seed; secp256k1: the 32-byte scalar. */
  readonly secretKey: Uint8Array;
  /** The public key the file states, if any: 32 raw bytes (Ed25519) or a SEC1 point. */
  readonly publicKey: Uint8Array | null;
}

/** A key file made usable: the identity and its key type. */
export interface IdentityKey {
  readonly keyType: KeyType;
  readonly identity: SignIdentity;
}

const OID = {
  ed25519: '1.3.101.112',
  ecPublicKey: '1.2.840.10045.2.1',
  secp256k1: '1.3.132.0.10',
} as const;

/** Names of key algorithms and curves people are likely to try, for the error message. */
const KNOWN_OIDS: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.1': 'RSA',
  '1.3.101.110': 'X25519',
  '1.3.101.111': 'X448',
  '1.3.101.113': 'Ed448',
  '1.2.840.10045.3.1.7': 'P-256 (prime256v1)',
  '1.3.132.0.34': 'P-384 (secp384r1)',
  '1.3.132.0.35': 'P-521 (secp521r1)',
};

const ED25519_KEY_BYTES = 32;
const SECP256K1_KEY_BYTES = 32;

function oidName(oid: string): string {
  const name = KNOWN_OIDS[oid];
  return name === undefined ? oid : `${name}, ${oid}`;
}

function unsupported(what: string): KeyFormatError {
  return new KeyFormatError(`${what}; only Ed25519 and secp256k1 keys can be identities`);
}

/** An optional `[1]` public key: explicit around a BIT STRING (dfx, ring) or implicit (RFC 5958). */
function readTaggedPublicKey(element: DerElement, what: string): Uint8Array {
  if (element.tag === DerTag.CONTEXT_1_PRIMITIVE) {
    return readBitStringBytes(element.contents, what);
  }
  const bitString = readDerElement(element.contents, DerTag.BIT_STRING, what);
  return readBitStringBytes(bitString.contents, what);
}

/** SEC1 ECPrivateKey (RFC 5915); `outerCurve` from an EC PARAMETERS block or PKCS#8. */
function decodeSec1(der: Uint8Array, outerCurve: string | null): DecodedPrivateKey {
  const sequence = readDerElement(der, DerTag.SEQUENCE, 'the EC private key');
  const [version, privateKey, ...optional] = readDerElements(sequence.contents);
  if (readSmallInteger(version, 'the EC private key version') !== 1) {
    throw new KeyFormatError('the EC private key has an unknown version');
  }
  const scalar = expectTag(privateKey, DerTag.OCTET_STRING, 'the EC private key');
  let curve = outerCurve;
  let publicKey: Uint8Array | null = null;
  for (const element of optional) {
    if (element.tag === DerTag.CONTEXT_0) {
      const named = readDerElement(element.contents, DerTag.OBJECT_IDENTIFIER, 'the EC curve');
      const inner = decodeOid(named.contents);
      if (curve !== null && curve !== inner) {
        throw new KeyFormatError(
          `the key names two curves (${oidName(curve)} and ${oidName(inner)})`,
        );
      }
      curve = inner;
    } else if (element.tag === DerTag.CONTEXT_1) {
      publicKey = readTaggedPublicKey(element, 'the EC public key');
    } else {
      throw new KeyFormatError('the EC private key has an unexpected field');
    }
  }
  if (curve === null) {
    throw new KeyFormatError('the EC private key names no curve');
  }
  if (curve !== OID.secp256k1) {
    throw unsupported(`the EC key is on the curve ${oidName(curve)}`);
  }
  if (scalar.length === 0 || scalar.length > SECP256K1_KEY_BYTES) {
    throw new KeyFormatError(`the secp256k1 private key has ${scalar.length} bytes, not 32`);
  }
  const secretKey = new Uint8Array(SECP256K1_KEY_BYTES);
  secretKey.set(scalar, SECP256K1_KEY_BYTES - scalar.length);
  return { keyType: 'secp256k1', secretKey, publicKey };
}

/** PKCS#8 PrivateKeyInfo / OneAsymmetricKey (RFC 5208, RFC 5958). */
function decodePkcs8(der: Uint8Array): DecodedPrivateKey {
  const sequence = readDerElement(der, DerTag.SEQUENCE, 'the PKCS#8 key');
  const [version, algorithm, privateKey, ...optional] = readDerElements(sequence.contents);
  const v = readSmallInteger(version, 'the PKCS#8 version');
  if (v !== 0 && v !== 1) {
    throw new KeyFormatError(`the PKCS#8 key has the unknown version ${v}`);
  }
  const [oidElement, parameters, ...extra] = readDerElements(
    expectTag(algorithm, DerTag.SEQUENCE, 'the PKCS#8 algorithm'),
  );
  const oid = decodeOid(expectTag(oidElement, DerTag.OBJECT_IDENTIFIER, 'the key algorithm'));
  const keyBytes = expectTag(privateKey, DerTag.OCTET_STRING, 'the PKCS#8 private key');
  let publicKey: Uint8Array | null = null;
  for (const element of optional) {
    if (element.tag === DerTag.CONTEXT_1 || element.tag === DerTag.CONTEXT_1_PRIMITIVE) {
      publicKey = readTaggedPublicKey(element, 'the PKCS#8 public key');
    } else if (element.tag !== DerTag.CONTEXT_0) {
      throw new KeyFormatError('the PKCS#8 key has an unexpected field');
    }
  }
  if (oid === OID.ed25519) {
    if (parameters !== undefined) {
      throw new KeyFormatError('the Ed25519 algorithm has parameters, which it must not');
    }
    const seed = readDerElement(keyBytes, DerTag.OCTET_STRING, 'the Ed25519 private key');
    if (seed.contents.length !== ED25519_KEY_BYTES) {
      throw new KeyFormatError(
        `the Ed25519 private key has ${seed.contents.length} bytes, not ${ED25519_KEY_BYTES}`,
      );
    }
    return { keyType: 'ed25519', secretKey: seed.contents.slice(), publicKey };
  }
  if (oid === OID.ecPublicKey) {
    if (parameters?.tag !== DerTag.OBJECT_IDENTIFIER || extra.length > 0) {
      throw new KeyFormatError('the EC algorithm does not name its curve');
    }
    const decoded = decodeSec1(keyBytes, decodeOid(parameters.contents));
    return publicKey === null ? decoded : { ...decoded, publicKey };
  }
  throw unsupported(`the key algorithm is ${oidName(oid)}`);
}

function curveOfParameters(block: PemBlock): string {
  const oid = readDerElement(block.der, DerTag.OBJECT_IDENTIFIER, 'the EC PARAMETERS block');
  return decodeOid(oid.contents);
}

/**
 * The private key of a PEM text: one `PRIVATE KEY` block, or one `EC PRIVATE KEY` block
 * optionally preceded by `EC PARAMETERS`. Throws KeyFormatError saying what is wrong.
 */
export function decodePrivateKeyPem(text: string): DecodedPrivateKey {
  const blocks = decodePemBlocks(text);
  let curve: string | null = null;
  const keys: PemBlock[] = [];
  for (const block of blocks) {
    switch (block.label) {
      case 'EC PARAMETERS':
        if (keys.length > 0 || curve !== null) {
          throw new KeyFormatError('the EC PARAMETERS block must come once, before the key');
        }
        curve = curveOfParameters(block);
        break;
      case 'PRIVATE KEY':
      case 'EC PRIVATE KEY':
        keys.push(block);
        break;
      case 'ENCRYPTED PRIVATE KEY':
        throw new KeyFormatError(
          'the key is encrypted; decrypt it first (`openssl pkey -in key.pem -out plain.pem`)',
        );
      default:
        throw new KeyFormatError(`it holds a ${block.label} block, not a private key`);
    }
  }
  const [key, ...more] = keys;
  if (key === undefined) {
    throw new KeyFormatError('it holds no PRIVATE KEY or EC PRIVATE KEY block');
  }
  if (more.length > 0) {
    throw new KeyFormatError(`it holds ${keys.length} private keys, not one`);
  }
  if (key.label === 'EC PRIVATE KEY') {
    return decodeSec1(key.der, curve);
  }
  if (curve !== null) {
    throw new KeyFormatError('an EC PARAMETERS block goes with an EC PRIVATE KEY block only');
  }
  return decodePkcs8(key.der);
}

/** The PKCS#8 v1 PEM of an Ed25519 seed, byte for byte what `openssl genpkey` writes. */
export function encodeEd25519PrivateKeyPem(secretKey: Uint8Array): string {
  if (secretKey.length !== ED25519_KEY_BYTES) {
    throw new RangeError(`an Ed25519 seed has 32 bytes, got ${secretKey.length}`);
  }
  const der = encodeDerSequence(
    encodeDer(DerTag.INTEGER, Uint8Array.of(0)),
    encodeDerSequence(encodeDer(DerTag.OBJECT_IDENTIFIER, encodeOid(OID.ed25519))),
    encodeDer(DerTag.OCTET_STRING, encodeDer(DerTag.OCTET_STRING, secretKey)),
  );
  return encodePemBlock('PRIVATE KEY', der);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Whether a stated SEC1 point (compressed or not) is `uncompressed` (`04 ‖ x ‖ y`). */
function samePoint(stated: Uint8Array, uncompressed: Uint8Array): boolean {
  if (stated[0] === 0x04) {
    return bytesEqual(stated, uncompressed);
  }
  const odd = ((uncompressed.at(-1) ?? 0) & 1) === 1;
  return (
    stated.length === 33 &&
    stated[0] === (odd ? 0x03 : 0x02) &&
    bytesEqual(stated.subarray(1), uncompressed.subarray(1, 33))
  );
}

/** `CLI_IDENTITY_PEM_INVALID`: `origin` (a file, the env var) and what to do about it. */
export function pemInvalidError(origin: string, reason: string, nextStep: string): CitadelError {
  return createCliError(
    CliErrorCode.IDENTITY_PEM_INVALID,
    `${origin} is not a usable identity key: ${reason}. ${nextStep}`,
    { origin, reason },
  );
}

/**
 * The identity of a PEM text. `origin` names where the text came from and `nextStep` what
 * the user can do, both for the `CLI_IDENTITY_PEM_INVALID` error thrown otherwise.
 */
export function identityFromPem(text: string, origin: string, nextStep: string): IdentityKey {
  let decoded: DecodedPrivateKey;
  try {
    decoded = decodePrivateKeyPem(text);
  } catch (error) {
    if (error instanceof KeyFormatError) {
      throw pemInvalidError(origin, error.message, nextStep);
    }
    throw error;
  }
  let identity: Ed25519KeyIdentity | Secp256k1KeyIdentity;
  try {
    identity =
      decoded.keyType === 'ed25519'
        ? Ed25519KeyIdentity.fromSecretKey(decoded.secretKey)
        : Secp256k1KeyIdentity.fromSecretKey(decoded.secretKey);
  } catch {
    throw pemInvalidError(origin, `the ${decoded.keyType} private key is out of range`, nextStep);
  }
  if (decoded.publicKey !== null) {
    const raw = identity.getPublicKey().toRaw();
    const matches =
      decoded.keyType === 'ed25519'
        ? bytesEqual(decoded.publicKey, raw)
        : samePoint(decoded.publicKey, raw);
    if (!matches) {
      throw pemInvalidError(
        origin,
        'the public key in it does not belong to its private key',
        nextStep,
      );
    }
  }
  return { keyType: decoded.keyType, identity };
}

/** A new random Ed25519 identity and its PEM. */
export function generateEd25519Key(): { readonly pem: string; readonly key: IdentityKey } {
  const seed = new Uint8Array(randomBytes(ED25519_KEY_BYTES));
  const pem = encodeEd25519PrivateKeyPem(seed);
  return { pem, key: { keyType: 'ed25519', identity: Ed25519KeyIdentity.fromSecretKey(seed) } };
}
