/**
 * Creating a passkey (reference §4.6): the WebAuthn creation options, and the new
 * credential's id and DER public key, ready for the canister's `DeviceData`.
 */
import { coseToDer, readAttestationObject } from './attestation';
import { toBytes } from './bytes';
import { IdentityError } from './identity-error';
import type { WireKeyType } from './ii-idl';

/** COSE algorithm ids (IANA): the ones Citadel's replica verifies. */
const COSE_ES256 = -7;
const COSE_EDDSA = -8;

/** The relying party's and the user's name, as the reference II sets them. */
const DISPLAY_NAME = 'Internet Identity';

/** `navigator.credentials.create`, or a stand-in. */
export type CreateCredential = (options: CredentialCreationOptions) => Promise<Credential | null>;

/** A new passkey, as the canister stores it. */
export interface NewPasskey {
  readonly credentialId: Uint8Array;
  /** The COSE key in DER (OID 1.3.6.1.4.1.56387.1.1). */
  readonly publicKeyDer: Uint8Array;
  /** From the authenticator's attachment: this device (`platform`) or a security key. */
  readonly keyType: WireKeyType;
}

/** What {@link passkeyCreationOptions} takes. */
export interface PasskeyCreationParams {
  /** Credentials the anchor has already, so an authenticator does not make a second one. */
  readonly excludeCredentialIds?: readonly Uint8Array[];
  /** @default crypto.getRandomValues */
  readonly randomBytes?: (length: number) => Uint8Array<ArrayBuffer>;
}

/**
 * The options for `navigator.credentials.create`, as the reference II's: a random challenge
 * and user id (the attestation is not verified, so the challenge proves nothing), direct
 * attestation, user verification preferred, the relying party left to the page's host. The
 * algorithms are ES256 and EdDSA, which Citadel's replica verifies; unlike the reference II
 * it does not offer RS256, since the replica cannot verify RSA.
 */
export function passkeyCreationOptions({
  excludeCredentialIds = [],
  randomBytes = defaultRandomBytes,
}: PasskeyCreationParams = {}): CredentialCreationOptions {
  return {
    publicKey: {
      challenge: randomBytes(16),
      rp: { name: 'Internet Identity Service' },
      user: { id: randomBytes(16), name: DISPLAY_NAME, displayName: DISPLAY_NAME },
      pubKeyCredParams: [
        { type: 'public-key', alg: COSE_ES256 },
        { type: 'public-key', alg: COSE_EDDSA },
      ],
      attestation: 'direct',
      authenticatorSelection: { userVerification: 'preferred' },
      excludeCredentials: excludeCredentialIds.map((id) => ({
        type: 'public-key',
        id: id.slice(),
      })),
    },
  };
}

/**
 * Creates a passkey with `create` and reads its key.
 * @throws the WebAuthn `DOMException` when the user cancels or the authenticator refuses;
 *   IdentityError (`passkey-unreadable`) when its answer cannot be read
 */
export async function createPasskey(
  create: CreateCredential,
  params: PasskeyCreationParams = {},
): Promise<NewPasskey> {
  const credential = await create(passkeyCreationOptions(params));
  const candidate = credential as {
    rawId?: unknown;
    authenticatorAttachment?: unknown;
    response?: { attestationObject?: unknown };
  } | null;
  const credentialId = toBytes(candidate?.rawId);
  const attestationObject = toBytes(candidate?.response?.attestationObject);
  if (credentialId === undefined || attestationObject === undefined) {
    throw new IdentityError({
      kind: 'passkey-unreadable',
      detail: 'the authenticator did not answer with a new public-key credential',
    });
  }
  const { cose } = readAttestationObject(attestationObject);
  return {
    credentialId: credentialId.slice(),
    publicKeyDer: coseToDer(cose),
    keyType: keyTypeOf(candidate?.authenticatorAttachment),
  };
}

function keyTypeOf(attachment: unknown): WireKeyType {
  switch (attachment) {
    case 'platform':
      return { platform: null };
    case 'cross-platform':
      return { cross_platform: null };
    default:
      return { unknown: null };
  }
}

function defaultRandomBytes(length: number): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(length));
}
