import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

/**
 * Candid types of the identity canister (names follow the real II where the meaning is the
 * same; see README.md). Azle writes `dist/internet_identity.did` from them.
 */

/** What an interface factory is handed: the `IDL` of whichever `@dfinity/candid` calls. */
type Idl = Parameters<IDL.InterfaceFactory>[0]['IDL'];

/** Argument types, as the non-empty tuple `IDL.Func` takes. */
const argTypes = <A extends [IDL.Type, ...IDL.Type[]]>(...types: A): A => types;

function defineTypes(I: Idl) {
  const UserNumber = I.Nat64;
  const PublicKey = I.Vec(I.Nat8);
  const CredentialId = I.Vec(I.Nat8);
  const FrontendHostname = I.Text;
  const SessionKey = PublicKey;
  const Timestamp = I.Nat64;
  const Purpose = I.Variant({ authentication: I.Null, recovery: I.Null });
  const KeyType = I.Variant({
    unknown: I.Null,
    platform: I.Null,
    cross_platform: I.Null,
    seed_phrase: I.Null,
    browser_storage_key: I.Null,
  });
  const DeviceProtection = I.Variant({ protected: I.Null, unprotected: I.Null });
  const DeviceData = I.Record({
    pubkey: PublicKey,
    alias: I.Text,
    credential_id: I.Opt(CredentialId),
    purpose: Purpose,
    key_type: KeyType,
    protection: DeviceProtection,
    origin: I.Opt(I.Text),
  });
  const Delegation = I.Record({
    pubkey: PublicKey,
    expiration: Timestamp,
    targets: I.Opt(I.Vec(I.Principal)),
  });
  const SignedDelegation = I.Record({ delegation: Delegation, signature: I.Vec(I.Nat8) });
  return {
    DeviceData,
    RegisterResponse: I.Variant({
      registered: I.Record({ user_number: UserNumber }),
      canister_full: I.Null,
      bad_device: I.Text,
    }),
    DeviceKey: I.Opt(I.Record({ pubkey: PublicKey, anchor_number: UserNumber })),
    GetDelegationResponse: I.Variant({
      signed_delegation: SignedDelegation,
      no_such_delegation: I.Null,
    }),
    Stats: I.Record({ anchors: I.Nat64, signatures: I.Nat64 }),
    /** Result types of the method that has more than one (as the real II). */
    results: {
      prepare_delegation: argTypes(PublicKey, Timestamp),
    },
    /** Argument types of the methods that take any, in order. */
    args: {
      register: argTypes(DeviceData),
      add: argTypes(UserNumber, DeviceData),
      remove: argTypes(UserNumber, PublicKey),
      lookup: argTypes(UserNumber),
      lookup_device_key: argTypes(CredentialId),
      get_principal: argTypes(UserNumber, FrontendHostname),
      prepare_delegation: argTypes(UserNumber, FrontendHostname, SessionKey, I.Opt(I.Nat64)),
      get_delegation: argTypes(UserNumber, FrontendHostname, SessionKey, Timestamp),
    },
  };
}

/** The interface's types, for the canister's decorators. */
export const T = defineTypes(IDL);

/** The service, for agents: `Actor.createActor<IdentityService>(idlFactory, ...)`. */
export const idlFactory: IDL.InterfaceFactory = ({ IDL: I }) => {
  const t = defineTypes(I);
  return I.Service({
    register: I.Func(t.args.register, [t.RegisterResponse], []),
    add: I.Func(t.args.add, [], []),
    remove: I.Func(t.args.remove, [], []),
    lookup: I.Func(t.args.lookup, [I.Vec(t.DeviceData)], ['query']),
    lookup_device_key: I.Func(t.args.lookup_device_key, [t.DeviceKey], ['query']),
    get_principal: I.Func(t.args.get_principal, [I.Principal], ['query']),
    prepare_delegation: I.Func(t.args.prepare_delegation, t.results.prepare_delegation, []),
    get_delegation: I.Func(t.args.get_delegation, [t.GetDelegationResponse], ['query']),
    stats: I.Func([], [t.Stats], ['query']),
  });
};

type Unit = null;

/** `DeviceData` as agents and Azle see it. */
export interface CandidDeviceData {
  pubkey: Uint8Array;
  alias: string;
  credential_id: [] | [Uint8Array];
  purpose: { authentication: Unit } | { recovery: Unit };
  key_type:
    | { unknown: Unit }
    | { platform: Unit }
    | { cross_platform: Unit }
    | { seed_phrase: Unit }
    | { browser_storage_key: Unit };
  protection: { protected: Unit } | { unprotected: Unit };
  origin: [] | [string];
}

export type CandidRegisterResponse =
  { registered: { user_number: bigint } } | { canister_full: Unit } | { bad_device: string };

export type CandidGetDelegationResponse =
  | {
      signed_delegation: {
        delegation: { pubkey: Uint8Array; expiration: bigint; targets: [] | [Principal[]] };
        signature: Uint8Array;
      };
    }
  | { no_such_delegation: Unit };

export interface CandidStats {
  anchors: bigint;
  signatures: bigint;
}

/** The service as an agent's actor sees it. */
export interface IdentityService {
  register(device: CandidDeviceData): Promise<CandidRegisterResponse>;
  add(anchor: bigint, device: CandidDeviceData): Promise<undefined>;
  remove(anchor: bigint, pubkey: Uint8Array): Promise<undefined>;
  lookup(anchor: bigint): Promise<CandidDeviceData[]>;
  lookup_device_key(
    credentialId: Uint8Array,
  ): Promise<[] | [{ pubkey: Uint8Array; anchor_number: bigint }]>;
  get_principal(anchor: bigint, frontend: string): Promise<Principal>;
  prepare_delegation(
    anchor: bigint,
    frontend: string,
    sessionKey: Uint8Array,
    maxTimeToLive: [] | [bigint],
  ): Promise<[Uint8Array, bigint]>;
  get_delegation(
    anchor: bigint,
    frontend: string,
    sessionKey: Uint8Array,
    expiration: bigint,
  ): Promise<CandidGetDelegationResponse>;
  stats(): Promise<CandidStats>;
}
