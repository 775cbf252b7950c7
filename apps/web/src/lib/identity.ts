/**
 * The guest key: a per-browser Ed25519 key kept in localStorage, so each browser profile is
 * its own principal and the app works without logging in. While the user is logged in with
 * Internet Identity the app signs with that identity instead (`internet-identity.ts`); the
 * guest key is kept for when they log out.
 */
import type { SignIdentity } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';

/** The localStorage key of the browser's key pair (JSON of `Ed25519KeyIdentity.toJSON()`). */
export const IDENTITY_STORAGE_KEY = 'citadel-notes.identity.v1';

/** The part of `Storage` the identity needs; tests pass a stand-in. */
export type IdentityStorage = Pick<Storage, 'getItem' | 'setItem'>;

/**
 * The key pair kept in `storage`, or a new one stored there. A stored value that does not
 * parse is replaced; without usable storage (disabled, private mode) the key lives only as
 * long as the page.
 */
export function loadOrCreateIdentity(storage: IdentityStorage | undefined): Ed25519KeyIdentity {
  const stored = readStored(storage);
  if (stored !== undefined) {
    return stored;
  }
  const identity = Ed25519KeyIdentity.generate();
  try {
    storage?.setItem(IDENTITY_STORAGE_KEY, JSON.stringify(identity.toJSON()));
  } catch {
    // Quota or a disabled storage: the identity still works for this page.
  }
  return identity;
}

/** The guest identity: this browser's key. */
export async function getGuestIdentity(): Promise<SignIdentity> {
  return loadOrCreateIdentity(browserStorage());
}

function readStored(storage: IdentityStorage | undefined): Ed25519KeyIdentity | undefined {
  try {
    const json = storage?.getItem(IDENTITY_STORAGE_KEY);
    return json === null || json === undefined ? undefined : Ed25519KeyIdentity.fromJSON(json);
  } catch {
    return undefined;
  }
}

function browserStorage(): IdentityStorage | undefined {
  try {
    // Reading the property itself throws when the browser blocks storage for the page.
    return window.localStorage;
  } catch {
    return undefined;
  }
}
