import { Ed25519KeyIdentity } from '@dfinity/identity';
import { describe, expect, it } from 'vitest';
import { IDENTITY_STORAGE_KEY, loadOrCreateIdentity, type IdentityStorage } from './identity';

/** A localStorage stand-in over a Map. */
function makeStorage(entries: Record<string, string> = {}): IdentityStorage & {
  readonly entries: Map<string, string>;
} {
  const map = new Map(Object.entries(entries));
  return {
    entries: map,
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => {
      map.set(key, value);
    },
  };
}

describe('loadOrCreateIdentity', () => {
  it('creates a key and stores it when storage has none', () => {
    const storage = makeStorage();
    const identity = loadOrCreateIdentity(storage);
    expect(storage.entries.has(IDENTITY_STORAGE_KEY)).toBe(true);
    expect(identity.getPrincipal().isAnonymous()).toBe(false);
  });

  it('returns the same principal on the next load from the same storage', () => {
    const storage = makeStorage();
    const first = loadOrCreateIdentity(storage).getPrincipal().toText();
    const second = loadOrCreateIdentity(storage).getPrincipal().toText();
    expect(second).toBe(first);
  });

  it('gives another storage (another browser profile) another principal', () => {
    const one = loadOrCreateIdentity(makeStorage()).getPrincipal().toText();
    const other = loadOrCreateIdentity(makeStorage()).getPrincipal().toText();
    expect(other).not.toBe(one);
  });

  it('reads a key stored by Ed25519KeyIdentity.toJSON', () => {
    const known = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(7));
    const storage = makeStorage({ [IDENTITY_STORAGE_KEY]: JSON.stringify(known.toJSON()) });
    expect(loadOrCreateIdentity(storage).getPrincipal().toText()).toBe(
      known.getPrincipal().toText(),
    );
  });

  it('replaces a stored value that does not parse', () => {
    const storage = makeStorage({ [IDENTITY_STORAGE_KEY]: 'not json' });
    const identity = loadOrCreateIdentity(storage);
    expect(storage.entries.get(IDENTITY_STORAGE_KEY)).toBe(JSON.stringify(identity.toJSON()));
  });

  it('still returns a working key when storage throws or is missing', () => {
    const throwing: IdentityStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(loadOrCreateIdentity(throwing).getPrincipal().isAnonymous()).toBe(false);
    expect(loadOrCreateIdentity(undefined).getPrincipal().isAnonymous()).toBe(false);
  });
});
