import {
  type CitadelError,
  bytesEqual,
  principalToText,
  selfAuthenticatingPrincipal,
} from '@citadel/protocol';
import { decodeAnchorRecord, encodeAnchorRecord } from './anchor-record.js';
import { IdentityErrorCode, identityError } from './errors.js';
import { nat64FromBytes, nat64ToBytes } from './nat64.js';
import { FIRST_ANCHOR, IDENTITY_LIMITS, type IdentityLimits } from './limits.js';
import type { Table } from './table.js';
import type { AnchorRecord, DeviceData, RegisterResult, StoredDevice } from './types.js';
import { checkDevice } from './validation.js';

/** The stable tables an {@link AnchorStore} writes through to. */
export interface AnchorTables {
  /** Anchor number → anchor record (`anchor-record.ts`). */
  readonly anchors: Table<bigint, Uint8Array>;
  /** Device pubkey → its anchor: keeps pubkeys unique. */
  readonly pubkeys: Table<Uint8Array, bigint>;
  /** Credential id → its anchor: keeps credential ids unique, answers `lookup_device_key`. */
  readonly credentials: Table<Uint8Array, bigint>;
  /** Settings by name; the store keeps `next_anchor` here (8 bytes, big-endian). */
  readonly settings: Table<string, Uint8Array>;
}

export interface AnchorStoreOptions {
  /** Limits to enforce instead of some of the defaults. @default IDENTITY_LIMITS */
  readonly limits?: Partial<IdentityLimits>;
}

/** The caller of a store method: a principal's bytes. */
export type Caller = Uint8Array;

const NEXT_ANCHOR = 'next_anchor';

/**
 * The anchors and their devices, with II's rules: a device's pubkey and credential id belong
 * to one anchor at most; an anchor has 1 to `devicesPerAnchor` devices; only a device of an
 * anchor may change it, recognised by its principal (`selfAuthenticating(pubkey)`, stored with
 * the device so that a check is a comparison, not a hash). Methods check everything before
 * they write; a method that throws makes the canister trap, which rolls the message back.
 */
export class AnchorStore {
  readonly limits: IdentityLimits;
  readonly #tables: AnchorTables;

  constructor(tables: AnchorTables, options: AnchorStoreOptions = {}) {
    this.#tables = tables;
    this.limits = Object.freeze({ ...IDENTITY_LIMITS, ...options.limits });
  }

  /** How many anchors exist (anchors are never deleted). */
  get count(): bigint {
    return this.#nextAnchor() - FIRST_ANCHOR;
  }

  /**
   * Creates an anchor whose first device is `device`. The caller must be the device's own
   * principal, which proves it holds the key; otherwise this throws.
   */
  register(caller: Caller, device: DeviceData): RegisterResult {
    const invalid = checkDevice(device, this.limits);
    if (invalid !== undefined) {
      return { kind: 'bad_device', message: invalid.message };
    }
    const principal = selfAuthenticatingPrincipal(device.pubkey);
    if (!bytesEqual(principal, caller)) {
      throw identityError(
        IdentityErrorCode.UNAUTHORIZED,
        `${principalToText(caller)} is not authorized to register this device: the caller must be the device's principal ${principalToText(principal)}`,
        { caller: principalToText(caller) },
      );
    }
    if (this.count >= BigInt(this.limits.anchors)) {
      return { kind: 'canister_full' };
    }
    const duplicate = this.#checkUnique(device);
    if (duplicate !== undefined) {
      return { kind: 'bad_device', message: duplicate.message };
    }
    const anchor = this.#nextAnchor();
    this.#tables.settings.set(NEXT_ANCHOR, nat64ToBytes(anchor + 1n));
    this.#write(anchor, { devices: [] }, { devices: [{ ...device, principal }] });
    return { kind: 'registered', anchor };
  }

  /** Adds a device to an anchor the caller may act for. */
  add(caller: Caller, anchor: bigint, device: DeviceData): void {
    const record = this.authorize(caller, anchor);
    const invalid = checkDevice(device, this.limits) ?? this.#checkUnique(device);
    if (invalid !== undefined) {
      throw invalid;
    }
    if (record.devices.length >= this.limits.devicesPerAnchor) {
      throw identityError(
        IdentityErrorCode.TOO_MANY_DEVICES,
        `anchor ${anchor} already has ${record.devices.length} devices, the most allowed`,
        { anchor, limit: this.limits.devicesPerAnchor },
      );
    }
    const principal = selfAuthenticatingPrincipal(device.pubkey);
    this.#write(anchor, record, { devices: [...record.devices, { ...device, principal }] });
  }

  /** Removes a device (named by its pubkey) from an anchor the caller may act for. */
  remove(caller: Caller, anchor: bigint, pubkey: Uint8Array): void {
    const record = this.authorize(caller, anchor);
    const device = record.devices.find((candidate) => bytesEqual(candidate.pubkey, pubkey));
    if (device === undefined) {
      throw identityError(
        IdentityErrorCode.DEVICE_NOT_FOUND,
        `anchor ${anchor} has no device with this pubkey`,
        { anchor },
      );
    }
    if (device.protection === 'protected' && !bytesEqual(device.principal, caller)) {
      throw identityError(
        IdentityErrorCode.PROTECTED_DEVICE,
        `device "${device.alias}" of anchor ${anchor} is protected: only the device itself can remove it`,
        { anchor },
      );
    }
    if (record.devices.length === 1) {
      throw identityError(
        IdentityErrorCode.LAST_DEVICE,
        `cannot remove the last device of anchor ${anchor}`,
        { anchor },
      );
    }
    this.#write(anchor, record, { devices: record.devices.filter((kept) => kept !== device) });
  }

  /** An anchor's devices with their aliases blanked, as the real II's public `lookup`; none for an unknown anchor. */
  lookup(anchor: bigint): DeviceData[] {
    return (this.#read(anchor)?.devices ?? []).map(({ principal: _, ...device }) => ({
      ...device,
      alias: '',
    }));
  }

  /** The device and anchor a WebAuthn credential id belongs to, for discoverable passkeys. */
  lookupDeviceKey(credentialId: Uint8Array): { pubkey: Uint8Array; anchor: bigint } | undefined {
    const anchor = this.#tables.credentials.get(credentialId);
    if (anchor === undefined) {
      return undefined;
    }
    const device = this.#read(anchor)?.devices.find(
      (candidate) =>
        candidate.credentialId !== undefined && bytesEqual(candidate.credentialId, credentialId),
    );
    return device === undefined ? undefined : { pubkey: device.pubkey, anchor };
  }

  /**
   * The anchor's record, if `caller` is the principal of one of its devices (II §4.5);
   * throws otherwise, and for an anchor that does not exist.
   */
  authorize(caller: Caller, anchor: bigint): AnchorRecord {
    const record = this.#read(anchor);
    if (record === undefined) {
      throw identityError(IdentityErrorCode.ANCHOR_NOT_FOUND, `anchor ${anchor} does not exist`, {
        anchor,
      });
    }
    if (!record.devices.some((device) => bytesEqual(device.principal, caller))) {
      throw identityError(
        IdentityErrorCode.UNAUTHORIZED,
        `${principalToText(caller)} is not authorized to act for anchor ${anchor}`,
        { anchor, caller: principalToText(caller) },
      );
    }
    return record;
  }

  #nextAnchor(): bigint {
    const stored = this.#tables.settings.get(NEXT_ANCHOR);
    return stored === undefined ? FIRST_ANCHOR : nat64FromBytes(stored);
  }

  #read(anchor: bigint): AnchorRecord | undefined {
    const bytes = this.#tables.anchors.get(anchor);
    return bytes === undefined ? undefined : decodeAnchorRecord(bytes, anchor);
  }

  #checkUnique(device: DeviceData): CitadelError | undefined {
    if (this.#tables.pubkeys.get(device.pubkey) !== undefined) {
      return identityError(
        IdentityErrorCode.DUPLICATE_DEVICE,
        'this pubkey is already registered',
        {
          field: 'pubkey',
        },
      );
    }
    if (
      device.credentialId !== undefined &&
      this.#tables.credentials.get(device.credentialId) !== undefined
    ) {
      return identityError(
        IdentityErrorCode.DUPLICATE_DEVICE,
        'this credential_id is already registered',
        { field: 'credential_id' },
      );
    }
    return undefined;
  }

  /** Stores `after` as the anchor's record and moves the device indexes from `before` to it. */
  #write(anchor: bigint, before: AnchorRecord, after: AnchorRecord): void {
    const kept = new Set<StoredDevice>(after.devices);
    for (const device of before.devices) {
      if (!kept.has(device)) {
        this.#tables.pubkeys.delete(device.pubkey);
        if (device.credentialId !== undefined) {
          this.#tables.credentials.delete(device.credentialId);
        }
      }
    }
    const existing = new Set<StoredDevice>(before.devices);
    for (const device of after.devices) {
      if (!existing.has(device)) {
        this.#tables.pubkeys.set(device.pubkey, anchor);
        if (device.credentialId !== undefined) {
          this.#tables.credentials.set(device.credentialId, anchor);
        }
      }
    }
    this.#tables.anchors.set(anchor, encodeAnchorRecord(after));
  }
}
