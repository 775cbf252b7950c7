import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';

import { bytesEqual, concatBytes } from '../byte-order.js';
import { decodeCbor } from '../cbor/decode.js';
import { isCborMap } from '../cbor/types.js';
import type { CborValue } from '../cbor/types.js';
import { CitadelError } from '../errors.js';
import type { WebAuthnPublicKey } from '../keys/types.js';
import { CoseAlgorithm, CoseCurve, CoseKeyType, CoseLabel, decodeCoseKey } from './cose-key.js';
import type { CoseKey } from './cose-key.js';
import { SignatureErrorCode } from './errors.js';
import type { SignatureCheck } from './types.js';

/**
 * Verifies a WebAuthn signature (interface spec "WebAuthn"; digest §3.3; IC validator
 * webauthn.rs). The signature is CBOR `{authenticator_data, client_data_json, signature}`;
 * the client data's `challenge` must be the base64url of the whole signed message (domain
 * separator included), and `signature` must sign `authenticator_data ‖ SHA-256(client_data_json)`
 * under the COSE key: ECDSA P-256 as DER, or Ed25519. RSA keys are refused as unsupported.
 * @example createSignatureVerifier({ webauthn: verifyWebAuthnSignature })
 */
export function verifyWebAuthnSignature(
  publicKey: WebAuthnPublicKey,
  message: Uint8Array,
  signature: Uint8Array,
): SignatureCheck {
  const key = readCoseKey(publicKey.raw);
  const envelope = readEnvelope(signature);
  if (typeof envelope === 'string') {
    return malformed(envelope);
  }
  const challenge = readChallenge(envelope.clientDataJson);
  if (typeof challenge === 'string') {
    return malformed(challenge);
  }
  const signedBytes = concatBytes([envelope.authenticatorData, sha256(envelope.clientDataJson)]);
  const signatureValid =
    key.type === 'p256'
      ? checkP256Der(key.publicKey, signedBytes, envelope.signature)
      : envelope.signature.length === 64 &&
        ed25519.verify(envelope.signature, signedBytes, key.publicKey, { zip215: false });
  if (signatureValid === 'malformed') {
    return malformed('the WebAuthn ECDSA signature is not a valid DER-encoded (r, s)');
  }
  if (!signatureValid) {
    return {
      valid: false,
      code: SignatureErrorCode.INVALID,
      reason: `the WebAuthn ${key.type === 'p256' ? 'ECDSA P-256' : 'Ed25519'} signature does not match the authenticator data, client data and key`,
    };
  }
  // Checked after the signature, as the IC does: the authenticator vouches for the challenge.
  if (!bytesEqual(challenge, message)) {
    return {
      valid: false,
      code: SignatureErrorCode.INVALID,
      reason: `the WebAuthn challenge (${challenge.length} bytes) is not the signed message (${message.length} bytes)`,
    };
  }
  return { valid: true };
}

type WebAuthnKey = { type: 'p256' | 'ed25519'; publicKey: Uint8Array };

/** The raw curve key of a COSE_Key, or a thrown PROTO_SIG_UNSUPPORTED_KEY / PROTO_SIG_MALFORMED error. */
function readCoseKey(cose: Uint8Array): WebAuthnKey {
  const key = decodeCoseKey(cose);
  if (key === null) {
    throw keyError(SignatureErrorCode.MALFORMED, 'the WebAuthn public key is not a CBOR COSE_Key');
  }
  const kty = key.get(CoseLabel.KTY);
  const alg = key.get(CoseLabel.ALG);
  const crv = key.get(CoseLabel.CRV);
  const x = bytesField(key, CoseLabel.X);
  if (
    kty === CoseKeyType.EC2 &&
    crv === CoseCurve.P256 &&
    (alg === undefined || alg === CoseAlgorithm.ES256)
  ) {
    const y = bytesField(key, CoseLabel.Y);
    if (x?.length !== 32 || y?.length !== 32) {
      throw keyError(SignatureErrorCode.MALFORMED, 'the P-256 COSE key needs 32-byte x and y');
    }
    return { type: 'p256', publicKey: concatBytes([Uint8Array.of(0x04), x, y]) };
  }
  if (
    kty === CoseKeyType.OKP &&
    crv === CoseCurve.ED25519 &&
    (alg === undefined || alg === CoseAlgorithm.EDDSA)
  ) {
    if (x?.length !== 32) {
      throw keyError(SignatureErrorCode.MALFORMED, 'the Ed25519 COSE key needs a 32-byte x');
    }
    return { type: 'ed25519', publicKey: x };
  }
  throw keyError(
    SignatureErrorCode.UNSUPPORTED_KEY,
    `WebAuthn keys of COSE kty ${String(kty)}, crv ${String(crv)}, alg ${String(alg)} are not supported; use ECDSA P-256 (ES256) or Ed25519 (EdDSA)${kty === CoseKeyType.RSA ? ' (RSA authenticators are not supported by Citadel)' : ''}`,
  );
}

interface WebAuthnEnvelope {
  readonly authenticatorData: Uint8Array;
  /** The client data exactly as the authenticator hashed it. */
  readonly clientDataJson: Uint8Array;
  readonly signature: Uint8Array;
}

/** Decodes the CBOR envelope, or returns why it is malformed. */
function readEnvelope(signature: Uint8Array): WebAuthnEnvelope | string {
  let value: CborValue;
  try {
    value = decodeCbor(signature);
  } catch (error) {
    if (error instanceof CitadelError) {
      return `the WebAuthn signature is not CBOR (${error.message})`;
    }
    throw error;
  }
  if (!isCborMap(value)) {
    return 'the WebAuthn signature must be a CBOR map';
  }
  const authenticatorData = value['authenticator_data'];
  const clientDataJson = value['client_data_json'];
  const innerSignature = value['signature'];
  // @dfinity/identity sends client_data_json as text, other clients (and the IC's own test
  // vectors) as bytes; the IC reads it as a blob either way.
  if (
    !(authenticatorData instanceof Uint8Array) ||
    !(typeof clientDataJson === 'string' || clientDataJson instanceof Uint8Array) ||
    !(innerSignature instanceof Uint8Array)
  ) {
    return 'the WebAuthn signature needs authenticator_data (bytes), client_data_json (text or bytes) and signature (bytes)';
  }
  return {
    authenticatorData,
    clientDataJson:
      typeof clientDataJson === 'string'
        ? new TextEncoder().encode(clientDataJson)
        : clientDataJson,
    signature: innerSignature,
  };
}

/** The base64url-decoded `challenge` of the client data, or why it cannot be read. */
function readChallenge(clientDataJson: Uint8Array): Uint8Array | string {
  let clientData: unknown;
  try {
    clientData = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(clientDataJson));
  } catch (error) {
    return `client_data_json is not UTF-8 JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  const challenge =
    typeof clientData === 'object' && clientData !== null
      ? (clientData as Record<string, unknown>)['challenge']
      : undefined;
  if (typeof challenge !== 'string') {
    return 'client_data_json has no challenge string';
  }
  const decoded = decodeBase64Url(challenge);
  return decoded ?? 'the client data challenge is not unpadded base64url';
}

/** ECDSA P-256 over SHA-256 with a DER signature (WebAuthn §6.5.5; unlike plain IC ECDSA). */
function checkP256Der(
  publicKey65: Uint8Array,
  signedBytes: Uint8Array,
  derSignature: Uint8Array,
): boolean | 'malformed' {
  let compact: Uint8Array;
  try {
    compact = p256.Signature.fromBytes(derSignature, 'der').toBytes('compact');
  } catch (error) {
    // noble reports bad DER and out-of-range r or s by throwing plain Errors.
    if (error instanceof Error) {
      return 'malformed';
    }
    throw error;
  }
  return p256.verify(compact, sha256(signedBytes), publicKey65, {
    prehash: false,
    lowS: false,
    format: 'compact',
  });
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** RFC 4648 §5 without padding, as browsers put it into client data; null when invalid. */
function decodeBase64Url(text: string): Uint8Array | null {
  if (text.length % 4 === 1) {
    return null;
  }
  const bytes = new Uint8Array(Math.floor((text.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (const char of text) {
    const value = BASE64URL.indexOf(char);
    if (value < 0) {
      return null;
    }
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[index++] = (buffer >> bits) & 0xff;
      buffer &= (1 << bits) - 1;
    }
  }
  // Leftover bits must be zero, or two strings would decode to the same bytes.
  if ((buffer & ((1 << bits) - 1)) !== 0) {
    return null;
  }
  return bytes;
}

function bytesField(key: CoseKey, label: number): Uint8Array | undefined {
  const value = key.get(label);
  return value instanceof Uint8Array ? value : undefined;
}

function malformed(reason: string): SignatureCheck {
  return { valid: false, code: SignatureErrorCode.MALFORMED, reason };
}

function keyError(code: SignatureErrorCode, reason: string): CitadelError {
  return new CitadelError('trust', code, `Signature rejected: ${reason}.`, {});
}
