/**
 * The public key of a new passkey, read from its attestation object (WebAuthn §6.5) and
 * wrapped as the IC expects it: a COSE key inside DER with OID 1.3.6.1.4.1.56387.1.1
 * (reference §4.6, interface spec "Web Authentication"). The attestation statement itself is
 * not checked; II does not rely on it.
 */
import { Cbor, DER_COSE_OID, wrapDER } from '@dfinity/agent';
import { cborItemEnd } from './cbor-item';
import { IdentityError } from './identity-error';

/** A passkey's key as the authenticator reported it. */
export interface AttestedKey {
  /** The credential id recorded in the authenticator data. */
  readonly credentialId: Uint8Array;
  /** The COSE_Key, exactly as the authenticator encoded it. */
  readonly cose: Uint8Array;
}

/** Authenticator data flags (WebAuthn §6.1). */
const FLAG_ATTESTED_CREDENTIAL_DATA = 0x40;

/** rpIdHash (32) + flags (1) + signCount (4) + aaguid (16): where the credential id length is. */
const CREDENTIAL_ID_LENGTH_OFFSET = 53;

/**
 * The credential id and COSE key in `authData`. The key is exactly one CBOR item: when the
 * ED flag is set, extensions follow it, which agent-js would wrongly include by slicing to
 * the end.
 * @throws IdentityError (`passkey-unreadable`) when the data holds no complete key
 */
export function readAttestedKey(authData: Uint8Array): AttestedKey {
  const flags = authData[32];
  if (flags === undefined || authData.length < CREDENTIAL_ID_LENGTH_OFFSET + 2) {
    throw unreadable(`authenticator data is ${authData.length} bytes, too short for a key`);
  }
  if ((flags & FLAG_ATTESTED_CREDENTIAL_DATA) === 0) {
    throw unreadable('authenticator data carries no attested credential (AT flag unset)');
  }
  const idLength =
    ((authData[CREDENTIAL_ID_LENGTH_OFFSET] ?? 0) << 8) |
    (authData[CREDENTIAL_ID_LENGTH_OFFSET + 1] ?? 0);
  const keyStart = CREDENTIAL_ID_LENGTH_OFFSET + 2 + idLength;
  const keyEnd = cborItemEnd(authData, keyStart);
  if (keyEnd === undefined) {
    throw unreadable('the credential public key is not a complete CBOR item');
  }
  return {
    credentialId: authData.slice(CREDENTIAL_ID_LENGTH_OFFSET + 2, keyStart),
    cose: authData.slice(keyStart, keyEnd),
  };
}

/**
 * The attested key in a WebAuthn attestation object (`{fmt, attStmt, authData}` in CBOR).
 * @throws IdentityError (`passkey-unreadable`) when it is not one
 */
export function readAttestationObject(attestationObject: Uint8Array): AttestedKey {
  let decoded: unknown;
  try {
    decoded = Cbor.decode(attestationObject);
  } catch (error) {
    throw unreadable(`the attestation object is not CBOR (${String(error)})`);
  }
  const authData =
    typeof decoded === 'object' && decoded !== null && 'authData' in decoded
      ? decoded.authData
      : undefined;
  if (!(authData instanceof Uint8Array)) {
    throw unreadable('the attestation object has no authData bytes');
  }
  return readAttestedKey(authData);
}

/** `cose` as a DER SubjectPublicKeyInfo with the IC's COSE OID: the key the II canister stores. */
export function coseToDer(cose: Uint8Array): Uint8Array {
  return wrapDER(cose, DER_COSE_OID);
}

function unreadable(detail: string): IdentityError {
  return new IdentityError({ kind: 'passkey-unreadable', detail });
}
