/**
 * A `SignIdentity` over the passkeys of one anchor. agent-js's `WebAuthnIdentity` asks for
 * one credential; an anchor can hold several (one per device), and the user should not have
 * to know which one this device has. This asks WebAuthn for any of them and signs as the one
 * that answered, as the reference II's `MultiWebAuthnIdentity` does (§4.7).
 */
import { Cbor, SignIdentity, type PublicKey, type Signature } from '@dfinity/agent';
import { equalBytes, toBytes } from './bytes';
import { IdentityError } from './identity-error';

/** One passkey of an anchor. */
export interface Passkey {
  /** The WebAuthn credential id. */
  readonly credentialId: Uint8Array;
  /** Its public key as the canister stores it: COSE in DER (see `attestation.ts`). */
  readonly publicKeyDer: Uint8Array;
}

/** `navigator.credentials.get`, or a stand-in. */
export type GetCredential = (options: CredentialRequestOptions) => Promise<Credential | null>;

/** What WebAuthn answered, in the parts this identity uses. */
interface Assertion {
  readonly rawId: Uint8Array;
  readonly authenticatorData: Uint8Array;
  readonly clientDataJSON: Uint8Array;
  readonly signature: Uint8Array;
}

/** Signs with whichever of an anchor's passkeys this device holds. */
export class PasskeyIdentity extends SignIdentity {
  readonly #passkeys: readonly Passkey[];
  readonly #getCredential: GetCredential;
  #chosen: Passkey | undefined;

  /**
   * @param passkeys the anchor's passkeys; at least one
   * @param getCredential `navigator.credentials.get`, bound
   */
  constructor(passkeys: readonly Passkey[], getCredential: GetCredential) {
    super();
    if (passkeys.length === 0) {
      throw new RangeError('PasskeyIdentity needs at least one passkey');
    }
    this.#passkeys = passkeys;
    this.#getCredential = getCredential;
    this.#chosen = passkeys.length === 1 ? passkeys[0] : undefined;
  }

  /** The passkey that signed last; before any signature, the only one if there is one. */
  get chosen(): Passkey | undefined {
    return this.#chosen;
  }

  /**
   * The key of the passkey that signed. `DelegationChain.create` signs before it reads the
   * key, so with several passkeys the key is known by then.
   * @throws Error when several passkeys are possible and none has signed yet
   */
  getPublicKey(): PublicKey {
    const chosen = this.#chosen;
    if (chosen === undefined) {
      throw new Error('PasskeyIdentity: no passkey has signed yet, so its key is not known');
    }
    return { toDer: () => chosen.publicKeyDer };
  }

  /**
   * One WebAuthn assertion over `blob`, offering every passkey of the anchor, encoded as the
   * IC's WebAuthn signature: CBOR `{authenticator_data, client_data_json (text), signature}`
   * (interface spec "Web Authentication", §7.19).
   * @throws IdentityError (`wrong-passkey`) when a passkey outside the anchor answered
   */
  async sign(blob: Uint8Array): Promise<Signature> {
    const credential = await this.#getCredential({
      publicKey: {
        allowCredentials: this.#passkeys.map(({ credentialId }) => ({
          type: 'public-key',
          id: credentialId.slice(),
        })),
        challenge: blob.slice(),
        userVerification: 'preferred',
      },
    });
    const assertion = readAssertion(credential);
    const passkey = this.#passkeys.find(({ credentialId }) =>
      equalBytes(credentialId, assertion.rawId),
    );
    if (passkey === undefined) {
      throw new IdentityError({ kind: 'wrong-passkey' });
    }
    this.#chosen = passkey;
    this._principal = undefined;
    const encoded = Cbor.encode({
      authenticator_data: assertion.authenticatorData,
      client_data_json: new TextDecoder().decode(assertion.clientDataJSON),
      signature: assertion.signature,
    });
    return encoded as Signature;
  }
}

function readAssertion(credential: Credential | null): Assertion {
  const candidate = credential as {
    rawId?: unknown;
    response?: { authenticatorData?: unknown; clientDataJSON?: unknown; signature?: unknown };
  } | null;
  const response = candidate?.response;
  const parts = [
    candidate?.rawId,
    response?.authenticatorData,
    response?.clientDataJSON,
    response?.signature,
  ].map(toBytes);
  const [rawId, authenticatorData, clientDataJSON, signature] = parts;
  if (
    rawId === undefined ||
    authenticatorData === undefined ||
    clientDataJSON === undefined ||
    signature === undefined
  ) {
    throw new IdentityError({
      kind: 'passkey-unreadable',
      detail: 'the authenticator did not answer with an assertion',
    });
  }
  return { rawId, authenticatorData, clientDataJSON, signature };
}
