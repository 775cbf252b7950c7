import { CertificateVerificationErrorCode, TrustError } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { describe, expect, it, vi } from 'vitest';
import {
  certificateTimeOf,
  fromStatusMap,
  readCanisterStatus,
  UncertifiedStatusError,
  verifyCertificate,
  type RequestStatus,
} from './canister-status';

const CANISTER = 'qoctq-giaaa-aaaaa-aaaea-cai';
const CONTROLLER = 'fo76k-ecero-uccwk-zx7jh-w5c7w-4uo7t-y5j4z-m7fiq-z6sgk-vobym-cae';
const HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const SIGNED_AT = new Date(Date.UTC(2025, 2, 4, 14, 5, 9));

describe('certificateTimeOf', () => {
  it('takes the time the agent decoded from the certificate', () => {
    expect(certificateTimeOf(new Map([['time', SIGNED_AT]]))).toEqual(SIGNED_AT);
  });

  it('has none when the path could not be read (null) or is not a date', () => {
    expect(certificateTimeOf(new Map([['time', null]]))).toBeUndefined();
    expect(certificateTimeOf(new Map([['time', 1_741_097_109n]]))).toBeUndefined();
    expect(certificateTimeOf(new Map([['time', new Date(Number.NaN)]]))).toBeUndefined();
    expect(certificateTimeOf(new Map())).toBeUndefined();
  });
});

describe('fromStatusMap', () => {
  it('keeps the hash as lower-case hex and the controllers as text', () => {
    const map = new Map<unknown, unknown>([
      ['module_hash', HASH.toUpperCase()],
      ['controllers', [Principal.fromText(CONTROLLER)]],
      ['time', SIGNED_AT],
    ]);
    expect(fromStatusMap(CANISTER, map)).toEqual({
      moduleHash: HASH,
      controllers: [CONTROLLER],
      certifiedAt: SIGNED_AT,
    });
  });

  it('says no module for a canister without one, and keeps an empty controller list', () => {
    const map = new Map<unknown, unknown>([
      ['module_hash', null],
      ['controllers', []],
      ['time', SIGNED_AT],
    ]);
    expect(fromStatusMap(CANISTER, map)).toMatchObject({ moduleHash: undefined, controllers: [] });
  });

  it('fails without a certified time, whatever else the map holds', () => {
    const map = new Map<unknown, unknown>([
      ['module_hash', HASH],
      ['time', null],
    ]);
    expect(() => fromStatusMap(CANISTER, map)).toThrow(UncertifiedStatusError);
  });
});

describe('readCanisterStatus', () => {
  it('asks for the module hash, the controllers and the time of the canister', async () => {
    const request = vi.fn<RequestStatus>(async () => new Map([['time', SIGNED_AT]]));
    await readCanisterStatus(request, CANISTER);
    expect(request).toHaveBeenCalledWith(CANISTER, ['module_hash', 'controllers', 'time']);
  });
});

describe('verifyCertificate', () => {
  it('returns when the verified certificate was signed', async () => {
    const request = vi.fn<RequestStatus>(async () => new Map([['time', SIGNED_AT]]));
    expect(await verifyCertificate(request, CANISTER)).toEqual(SIGNED_AT);
    expect(request).toHaveBeenCalledWith(CANISTER, ['time']);
  });

  it('fails when the agent rejects the certificate', async () => {
    const untrusted = TrustError.fromCode(new CertificateVerificationErrorCode('bad signature'));
    const request = vi.fn<RequestStatus>(async () => {
      throw untrusted;
    });
    await expect(verifyCertificate(request, CANISTER)).rejects.toBe(untrusted);
  });

  it('fails when the read came back without a time', async () => {
    const request = vi.fn<RequestStatus>(async () => new Map([['time', null]]));
    await expect(verifyCertificate(request, CANISTER)).rejects.toThrow(/no certified state/);
  });
});
