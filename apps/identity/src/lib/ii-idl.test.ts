import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  DeviceData,
  GetDelegationResponse,
  idlFactory,
  RegisterResponse,
  type IiService,
  type WireDeviceData,
  type WireGetDelegationResponse,
  type WireRegisterResponse,
} from './ii-idl';

function roundTrip<T>(type: IDL.Type<T>, value: T): T {
  return IDL.decode([type], IDL.encode([type], [value]))[0] as T;
}

const DEVICE: WireDeviceData = {
  pubkey: Uint8Array.of(0x30, 0x5e, 1, 2, 3),
  alias: 'Passkey',
  credential_id: [Uint8Array.of(9, 8, 7)],
  purpose: { authentication: null },
  key_type: { platform: null },
  protection: { unprotected: null },
  origin: ['http://rdmx6-jaaaa-aaaaa-aaadq-cai.localhost:4943'],
};

describe('the II interface', () => {
  it('derives record, variant, opt and blob types the decoder actually produces', () => {
    const decoded = roundTrip(DeviceData, DEVICE);
    expect(decoded).toEqual(DEVICE);
    expect(decoded.pubkey).toBeInstanceOf(Uint8Array);
    expect(decoded.credential_id[0]).toBeInstanceOf(Uint8Array);
    expect(roundTrip(DeviceData, { ...DEVICE, credential_id: [], origin: [] })).toMatchObject({
      credential_id: [],
      origin: [],
    });
  });

  it('decodes nat64 as bigint, inside variants', () => {
    const registered: WireRegisterResponse = { registered: { user_number: 10_000n } };
    expect(roundTrip(RegisterResponse, registered)).toEqual(registered);
    expect(roundTrip(RegisterResponse, { bad_device: 'alias too long' })).toEqual({
      bad_device: 'alias too long',
    });
    const signed: WireGetDelegationResponse = {
      signed_delegation: {
        delegation: {
          pubkey: Uint8Array.of(1),
          expiration: 1_700_000_000_000_000_000n,
          targets: [[Principal.fromText('rdmx6-jaaaa-aaaaa-aaadq-cai')]],
        },
        signature: Uint8Array.of(2),
      },
    };
    const decoded = roundTrip(GetDelegationResponse, signed);
    expect(decoded).toEqual(signed);
    expect('signed_delegation' in decoded && decoded.signed_delegation.delegation.expiration).toBe(
      1_700_000_000_000_000_000n,
    );
  });

  it('lists every method of the canister, with queries marked as queries', () => {
    const methods = Object.fromEntries(
      idlFactory({ IDL })._fields.map(([name, func]) => [name, func.annotations]),
    );
    expect(methods).toEqual({
      register: [],
      add: [],
      remove: [],
      lookup: ['query'],
      lookup_device_key: ['query'],
      get_principal: ['query'],
      prepare_delegation: [],
      get_delegation: ['query'],
      stats: ['query'],
    });
  });

  it('types the actor methods from the IDL', () => {
    expectTypeOf<Parameters<IiService['prepare_delegation']>>().toEqualTypeOf<
      [bigint, string, Uint8Array, [] | [bigint]]
    >();
    expectTypeOf<Awaited<ReturnType<IiService['prepare_delegation']>>>().toEqualTypeOf<
      [Uint8Array, bigint]
    >();
    expectTypeOf<Awaited<ReturnType<IiService['lookup']>>>().toEqualTypeOf<WireDeviceData[]>();
    expectTypeOf<Awaited<ReturnType<IiService['add']>>>().toEqualTypeOf<undefined>();
    expectTypeOf<WireDeviceData['key_type']>().toEqualTypeOf<
      | { unknown: null }
      | { platform: null }
      | { cross_platform: null }
      | { seed_phrase: null }
      | { browser_storage_key: null }
    >();
  });
});
