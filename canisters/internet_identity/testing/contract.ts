import type { IDL } from '@dfinity/candid';

/**
 * The Candid interface clients are built against, written out by hand from README.md (not
 * derived from `candid/interface.ts`): tests that talk to the canister through it fail if the
 * canister drifts from the contract.
 */
export const contractIdlFactory: IDL.InterfaceFactory = ({ IDL: I }) => {
  const UserNumber = I.Nat64;
  const PublicKey = I.Vec(I.Nat8);
  const CredentialId = I.Vec(I.Nat8);
  const FrontendHostname = I.Text;
  const Timestamp = I.Nat64;
  const DeviceData = I.Record({
    pubkey: PublicKey,
    alias: I.Text,
    credential_id: I.Opt(CredentialId),
    purpose: I.Variant({ authentication: I.Null, recovery: I.Null }),
    key_type: I.Variant({
      unknown: I.Null,
      platform: I.Null,
      cross_platform: I.Null,
      seed_phrase: I.Null,
      browser_storage_key: I.Null,
    }),
    protection: I.Variant({ protected: I.Null, unprotected: I.Null }),
    origin: I.Opt(I.Text),
  });
  const RegisterResponse = I.Variant({
    registered: I.Record({ user_number: UserNumber }),
    canister_full: I.Null,
    bad_device: I.Text,
  });
  const Delegation = I.Record({
    pubkey: PublicKey,
    expiration: Timestamp,
    targets: I.Opt(I.Vec(I.Principal)),
  });
  const GetDelegationResponse = I.Variant({
    signed_delegation: I.Record({ delegation: Delegation, signature: I.Vec(I.Nat8) }),
    no_such_delegation: I.Null,
  });
  return I.Service({
    register: I.Func([DeviceData], [RegisterResponse], []),
    add: I.Func([UserNumber, DeviceData], [], []),
    remove: I.Func([UserNumber, PublicKey], [], []),
    lookup: I.Func([UserNumber], [I.Vec(DeviceData)], ['query']),
    lookup_device_key: I.Func(
      [CredentialId],
      [I.Opt(I.Record({ pubkey: PublicKey, anchor_number: UserNumber }))],
      ['query'],
    ),
    get_principal: I.Func([UserNumber, FrontendHostname], [I.Principal], ['query']),
    prepare_delegation: I.Func(
      [UserNumber, FrontendHostname, PublicKey, I.Opt(I.Nat64)],
      [PublicKey, Timestamp],
      [],
    ),
    get_delegation: I.Func(
      [UserNumber, FrontendHostname, PublicKey, Timestamp],
      [GetDelegationResponse],
      ['query'],
    ),
    stats: I.Func([], [I.Record({ anchors: I.Nat64, signatures: I.Nat64 })], ['query']),
  });
};
