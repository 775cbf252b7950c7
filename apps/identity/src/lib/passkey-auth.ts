/**
 * Signing in to the II canister with passkeys: an existing anchor with one of its passkeys,
 * or a new anchor with a new passkey. Either way the result is an {@link IiSession}: the
 * canister, called as a device of the anchor through the frontend's session key (§4.7).
 */
import type { Identity } from '@dfinity/agent';
import { createFrontendSession } from './frontend-session';
import { IdentityError } from './identity-error';
import type { IiCalls } from './ii-actor';
import type { WireDeviceData } from './ii-idl';
import { createPasskey, type CreateCredential, type NewPasskey } from './passkey-creation';
import { PasskeyIdentity, type GetCredential, type Passkey } from './passkey-identity';

/** Signed in: the anchor, and the canister called as one of its devices. */
export interface IiSession {
  readonly anchor: bigint;
  readonly ii: IiCalls;
}

/** The alias new passkeys get; the canister allows 64 characters. */
export const PASSKEY_ALIAS = 'Passkey';

/** What {@link createPasskeyAuth} takes. */
export interface PasskeyAuthParams {
  /** The II canister's id: the target of the frontend's session delegation. */
  readonly iiCanisterId: string;
  /** The page's origin, recorded with each new passkey (`DeviceData.origin`). */
  readonly origin: string;
  /** `navigator.credentials`, bound. */
  readonly credentials: { readonly get: GetCredential; readonly create: CreateCredential };
  /** Connects to the canister as `identity`; anonymously without one. */
  readonly connect: (identity?: Identity) => Promise<IiCalls>;
  /** Replaces {@link createFrontendSession} (tests skip key generation with it). */
  readonly createSession?: typeof createFrontendSession;
}

/** Passkey sign-in and registration against the II canister. */
export interface PasskeyAuth {
  /**
   * Signs in `anchor` with whichever of its passkeys this device holds: one WebAuthn
   * assertion.
   * @throws IdentityError (`unknown-anchor`) when the anchor has no passkey
   */
  signIn(anchor: bigint): Promise<IiSession>;
  /**
   * Creates a passkey and registers it as a new anchor: one WebAuthn creation, then one
   * assertion for the session that calls `register` (its caller must be the new key).
   * @throws IdentityError (`canister-full`, `bad-device`) when the canister refuses
   */
  createAnchor(): Promise<IiSession>;
  /** Creates another passkey on this device and adds it to the session's anchor. */
  addPasskey(session: IiSession): Promise<void>;
  /** The anchor's devices, as `lookup` lists them. */
  listDevices(session: IiSession): Promise<readonly WireDeviceData[]>;
}

/** Passkey sign-in over `params`. */
export function createPasskeyAuth({
  iiCanisterId,
  origin,
  credentials,
  connect,
  createSession = createFrontendSession,
}: PasskeyAuthParams): PasskeyAuth {
  const signInAs = async (anchor: bigint, passkeys: readonly Passkey[]): Promise<IiSession> => {
    const passkey = new PasskeyIdentity(passkeys, credentials.get);
    const session = await createSession({ passkey, iiCanisterId });
    return { anchor, ii: await connect(session) };
  };

  return {
    async signIn(anchor) {
      const devices = await (await connect()).lookup(anchor);
      const passkeys = devices.flatMap(({ pubkey, credential_id: [credentialId] }) =>
        credentialId === undefined ? [] : [{ credentialId, publicKeyDer: pubkey }],
      );
      if (passkeys.length === 0) {
        throw new IdentityError({ kind: 'unknown-anchor', anchor });
      }
      return signInAs(anchor, passkeys);
    },

    async createAnchor() {
      const created = await createPasskey(credentials.create);
      const passkey = new PasskeyIdentity(
        [{ credentialId: created.credentialId, publicKeyDer: created.publicKeyDer }],
        credentials.get,
      );
      const session = await createSession({ passkey, iiCanisterId });
      const ii = await connect(session);
      const response = await ii.register(toDeviceData(created, origin));
      if ('registered' in response) {
        return { anchor: response.registered.user_number, ii };
      }
      if ('canister_full' in response) {
        throw new IdentityError({ kind: 'canister-full' });
      }
      throw new IdentityError({ kind: 'bad-device', detail: response.bad_device });
    },

    async addPasskey({ anchor, ii }) {
      const devices = await ii.lookup(anchor);
      const created = await createPasskey(credentials.create, {
        excludeCredentialIds: devices.flatMap(({ credential_id }) => credential_id),
      });
      await ii.add(anchor, toDeviceData(created, origin));
    },

    listDevices: ({ anchor, ii }) => ii.lookup(anchor),
  };
}

function toDeviceData(passkey: NewPasskey, origin: string): WireDeviceData {
  return {
    pubkey: passkey.publicKeyDer,
    alias: PASSKEY_ALIAS,
    credential_id: [passkey.credentialId],
    purpose: { authentication: null },
    key_type: passkey.keyType,
    protection: { unprotected: null },
    origin: [origin],
  };
}
