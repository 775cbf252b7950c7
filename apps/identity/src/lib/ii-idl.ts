/**
 * The Internet Identity canister's interface (`canisters/internet_identity`), written by hand
 * as IDL; every wire type below is derived from it. Keep it in step with the canister's
 * Candid: the test encodes and decodes each type, and lists the methods and their modes.
 */
import type { IDL } from '@dfinity/candid';
import {
  blob,
  method,
  nat64,
  opt,
  principal,
  record,
  service,
  text,
  unit,
  variant,
  vec,
  type ServiceOf,
  type WireOf,
} from './typed-idl';

/** `UserNumber`: an anchor, the number a user signs in with. */
export const UserNumber = nat64;
/** `PublicKey`: a DER SubjectPublicKeyInfo. */
export const PublicKey = blob;
/** `CredentialId`: a WebAuthn credential's raw id. */
export const CredentialId = blob;
/** `FrontendHostname`: the origin a principal is derived for (`https://app.example`). */
export const FrontendHostname = text;
/** `Timestamp`: nanoseconds since 1970-01-01. */
export const Timestamp = nat64;

export const Purpose = variant({ authentication: unit, recovery: unit });

export const KeyType = variant({
  unknown: unit,
  platform: unit,
  cross_platform: unit,
  seed_phrase: unit,
  browser_storage_key: unit,
});

export const DeviceProtection = variant({ protected: unit, unprotected: unit });

export const DeviceData = record({
  pubkey: PublicKey,
  alias: text,
  credential_id: opt(CredentialId),
  purpose: Purpose,
  key_type: KeyType,
  protection: DeviceProtection,
  origin: opt(text),
});

export const RegisterResponse = variant({
  registered: record({ user_number: UserNumber }),
  canister_full: unit,
  bad_device: text,
});

export const Delegation = record({
  pubkey: PublicKey,
  expiration: Timestamp,
  targets: opt(vec(principal)),
});

export const SignedDelegation = record({ delegation: Delegation, signature: blob });

export const GetDelegationResponse = variant({
  signed_delegation: SignedDelegation,
  no_such_delegation: unit,
});

export const DeviceKeyInfo = record({ pubkey: PublicKey, anchor_number: UserNumber });

export const Stats = record({ anchors: nat64, signatures: nat64 });

/** The methods, in the order of the canister's `service` block. */
export const IiMethods = {
  register: method([DeviceData], [RegisterResponse]),
  add: method([UserNumber, DeviceData], []),
  remove: method([UserNumber, PublicKey], []),
  lookup: method([UserNumber], [vec(DeviceData)], ['query']),
  lookup_device_key: method([CredentialId], [opt(DeviceKeyInfo)], ['query']),
  get_principal: method([UserNumber, FrontendHostname], [principal], ['query']),
  prepare_delegation: method(
    [UserNumber, FrontendHostname, PublicKey, opt(nat64)],
    [PublicKey, Timestamp],
  ),
  get_delegation: method(
    [UserNumber, FrontendHostname, PublicKey, Timestamp],
    [GetDelegationResponse],
    ['query'],
  ),
  stats: method([], [Stats], ['query']),
};

/** The II service, for `Actor.createActor`. */
export const idlFactory: IDL.InterfaceFactory = () => service(IiMethods);

export type WireDeviceData = WireOf<typeof DeviceData>;
export type WireKeyType = WireOf<typeof KeyType>;
export type WireRegisterResponse = WireOf<typeof RegisterResponse>;
export type WireSignedDelegation = WireOf<typeof SignedDelegation>;
export type WireGetDelegationResponse = WireOf<typeof GetDelegationResponse>;

/** The II canister as an actor: one method per entry of {@link IiMethods}. */
export type IiService = ServiceOf<typeof IiMethods>;
