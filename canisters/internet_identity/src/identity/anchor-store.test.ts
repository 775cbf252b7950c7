import { isCitadelError, principalToText } from '@citadel/protocol';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { describe, expect, it } from 'vitest';
import { makeDevice, makeKeyDevice } from '../../testing/devices.js';
import { makeAnchorTables } from '../../testing/tables.js';
import { AnchorStore } from './anchor-store.js';
import { IdentityErrorCode } from './errors.js';
import { FIRST_ANCHOR } from './limits.js';
import type { DeviceData } from './types.js';

/** The error `body` throws, which must be a CitadelError. */
function thrown(body: () => unknown): { code: string; message: string } {
  try {
    body();
  } catch (error) {
    if (isCitadelError(error)) {
      return { code: error.code, message: error.message };
    }
    throw error;
  }
  throw new Error('expected a refusal');
}

/** A store with one registered anchor, its owner and its device. */
function withAnchor(store = new AnchorStore(makeAnchorTables())) {
  const owner = makeKeyDevice();
  const result = store.register(owner.principal, owner.device);
  if (result.kind !== 'registered') {
    throw new Error(`registration failed: ${JSON.stringify(result)}`);
  }
  return { store, owner, anchor: result.anchor };
}

describe('AnchorStore.register', () => {
  it('creates sequential anchors from 10000 for callers that hold the device key', () => {
    const store = new AnchorStore(makeAnchorTables());
    const results = Array.from({ length: 3 }, () => {
      const { principal, device } = makeKeyDevice();
      return store.register(principal, device);
    });
    expect(results).toEqual([
      { kind: 'registered', anchor: FIRST_ANCHOR },
      { kind: 'registered', anchor: FIRST_ANCHOR + 1n },
      { kind: 'registered', anchor: FIRST_ANCHOR + 2n },
    ]);
    expect(store.count).toBe(3n);
  });

  it('refuses a caller that is not the principal of the device key', () => {
    const store = new AnchorStore(makeAnchorTables());
    const { device } = makeKeyDevice();
    const stranger = Ed25519KeyIdentity.generate().getPrincipal().toUint8Array();
    const error = thrown(() => store.register(stranger, device));
    expect(error.code).toBe(IdentityErrorCode.UNAUTHORIZED);
    expect(error.message).toContain(`${principalToText(stranger)} is not authorized to register`);
    expect(store.count).toBe(0n);
  });

  it('answers bad_device for an invalid or already registered device', () => {
    const { store, owner } = withAnchor();
    const big = makeKeyDevice({ alias: 'x'.repeat(65) });
    expect(store.register(big.principal, big.device)).toEqual({
      kind: 'bad_device',
      message: 'alias must be at most 64 characters; it has 65',
    });
    expect(store.register(owner.principal, owner.device)).toEqual({
      kind: 'bad_device',
      message: 'this pubkey is already registered',
    });
    const sameCredential = makeKeyDevice({ credentialId: owner.device.credentialId });
    expect(store.register(sameCredential.principal, sameCredential.device)).toEqual({
      kind: 'bad_device',
      message: 'this credential_id is already registered',
    });
    expect(store.count).toBe(1n);
  });

  it('answers canister_full once every anchor is taken', () => {
    const store = new AnchorStore(makeAnchorTables(), { limits: { anchors: 2 } });
    withAnchor(store);
    withAnchor(store);
    const late = makeKeyDevice();
    expect(store.register(late.principal, late.device)).toEqual({ kind: 'canister_full' });
  });
});

describe('AnchorStore authorization', () => {
  it('lets any device of the anchor act for it, and nobody else', () => {
    const { store, owner, anchor } = withAnchor();
    expect(store.authorize(owner.principal, anchor).devices).toHaveLength(1);
    const stranger = Ed25519KeyIdentity.generate().getPrincipal().toUint8Array();
    expect(thrown(() => store.authorize(stranger, anchor))).toEqual({
      code: IdentityErrorCode.UNAUTHORIZED,
      message: `${principalToText(stranger)} is not authorized to act for anchor ${anchor}`,
    });
    // A device of another anchor is a stranger here.
    const other = withAnchor(store);
    expect(thrown(() => store.authorize(other.owner.principal, anchor)).code).toBe(
      IdentityErrorCode.UNAUTHORIZED,
    );
    expect(thrown(() => store.authorize(owner.principal, 99_999n))).toEqual({
      code: IdentityErrorCode.ANCHOR_NOT_FOUND,
      message: 'anchor 99999 does not exist',
    });
  });

  it('authorizes a device as soon as it is added, and no longer once it is removed', () => {
    const { store, owner, anchor } = withAnchor();
    const phone = makeKeyDevice({ alias: 'Phone' });
    store.add(owner.principal, anchor, phone.device);
    expect(store.authorize(phone.principal, anchor).devices).toHaveLength(2);
    store.remove(phone.principal, anchor, owner.device.pubkey);
    expect(thrown(() => store.authorize(owner.principal, anchor)).code).toBe(
      IdentityErrorCode.UNAUTHORIZED,
    );
    expect(store.authorize(phone.principal, anchor).devices).toHaveLength(1);
  });

  it('refuses add and remove from a caller that may not act for the anchor', () => {
    const { store, owner, anchor } = withAnchor();
    const stranger = makeKeyDevice();
    expect(thrown(() => store.add(stranger.principal, anchor, stranger.device)).code).toBe(
      IdentityErrorCode.UNAUTHORIZED,
    );
    expect(thrown(() => store.remove(stranger.principal, anchor, owner.device.pubkey)).code).toBe(
      IdentityErrorCode.UNAUTHORIZED,
    );
    expect(store.lookup(anchor)).toHaveLength(1);
  });
});

describe('AnchorStore devices', () => {
  it('keeps at most 8 devices per anchor', () => {
    const { store, owner, anchor } = withAnchor();
    for (let i = 1; i < 8; i++) {
      store.add(owner.principal, anchor, makeDevice({ alias: `device ${i}` }));
    }
    expect(thrown(() => store.add(owner.principal, anchor, makeDevice()))).toEqual({
      code: IdentityErrorCode.TOO_MANY_DEVICES,
      message: `anchor ${anchor} already has 8 devices, the most allowed`,
    });
    expect(store.lookup(anchor)).toHaveLength(8);
  });

  it('refuses a pubkey or credential id that any anchor already has', () => {
    const first = withAnchor();
    const second = withAnchor(first.store);
    const { store } = first;
    const taken: DeviceData[] = [
      makeDevice({ pubkey: first.owner.device.pubkey }),
      makeDevice({ credentialId: first.owner.device.credentialId }),
      makeDevice({ pubkey: second.owner.device.pubkey }),
    ];
    for (const device of taken) {
      expect(thrown(() => store.add(second.owner.principal, second.anchor, device)).code).toBe(
        IdentityErrorCode.DUPLICATE_DEVICE,
      );
    }
  });

  it('refuses an invalid device with the validation message', () => {
    const { store, owner, anchor } = withAnchor();
    expect(
      thrown(() => store.add(owner.principal, anchor, makeDevice({ pubkey: new Uint8Array(301) }))),
    ).toEqual({
      code: IdentityErrorCode.INVALID_DEVICE,
      message: 'pubkey must be at most 300 bytes; it has 301',
    });
  });

  it('removes devices but never the last one', () => {
    const { store, owner, anchor } = withAnchor();
    const phone = makeDevice();
    store.add(owner.principal, anchor, phone);
    store.remove(owner.principal, anchor, phone.pubkey);
    expect(store.lookup(anchor)).toHaveLength(1);
    expect(store.lookupDeviceKey(phone.credentialId as Uint8Array)).toBeUndefined();
    // Its keys are free again.
    store.add(owner.principal, anchor, phone);
    store.remove(owner.principal, anchor, phone.pubkey);
    expect(thrown(() => store.remove(owner.principal, anchor, owner.device.pubkey))).toEqual({
      code: IdentityErrorCode.LAST_DEVICE,
      message: `cannot remove the last device of anchor ${anchor}`,
    });
    expect(thrown(() => store.remove(owner.principal, anchor, phone.pubkey)).code).toBe(
      IdentityErrorCode.DEVICE_NOT_FOUND,
    );
  });

  it('lets only a protected device remove itself', () => {
    const { store, owner, anchor } = withAnchor();
    const phrase = makeKeyDevice({
      alias: 'Recovery phrase',
      purpose: 'recovery',
      keyType: 'seed_phrase',
      protection: 'protected',
      credentialId: undefined,
    });
    store.add(owner.principal, anchor, phrase.device);
    expect(thrown(() => store.remove(owner.principal, anchor, phrase.device.pubkey)).code).toBe(
      IdentityErrorCode.PROTECTED_DEVICE,
    );
    store.remove(phrase.principal, anchor, phrase.device.pubkey);
    expect(store.lookup(anchor)).toHaveLength(1);
  });

  it('looks anchors up with aliases blanked, and devices by credential id', () => {
    const { store, owner, anchor } = withAnchor();
    const key = makeDevice({ alias: 'YubiKey', keyType: 'cross_platform', origin: undefined });
    store.add(owner.principal, anchor, key);
    expect(store.lookup(anchor)).toEqual([
      { ...owner.device, alias: '' },
      { ...key, alias: '' },
    ]);
    expect(store.lookup(99_999n)).toEqual([]);
    expect(store.lookupDeviceKey(key.credentialId as Uint8Array)).toEqual({
      pubkey: key.pubkey,
      anchor,
    });
    expect(store.lookupDeviceKey(new Uint8Array(16))).toBeUndefined();
  });

  it('reads its anchors back from the same tables (as after an upgrade)', () => {
    const tables = makeAnchorTables();
    const { owner, anchor } = withAnchor(new AnchorStore(tables));
    const reopened = new AnchorStore(tables);
    expect(reopened.count).toBe(1n);
    expect(reopened.authorize(owner.principal, anchor).devices[0]?.alias).toBe('Laptop');
    const next = makeKeyDevice();
    expect(reopened.register(next.principal, next.device)).toEqual({
      kind: 'registered',
      anchor: anchor + 1n,
    });
  });
});
