import { IdentityErrorCode, identityError } from './errors.js';
import type { Table } from './table.js';

/** Bytes of salt, as the real II (§3.5). */
export const SALT_BYTES = 32;

const SALT = 'salt';

/**
 * The salt in every seed, kept in stable memory: created once, from `raw_rand`, when the
 * first registration needs it, and never changed, so principals survive upgrades and
 * restarts. It is not made in `init`: Azle seeds its RNG only after `init` returns (§3.6),
 * and `raw_rand` needs an update call.
 */
export class Salt {
  readonly #settings: Table<string, Uint8Array>;

  constructor(settings: Table<string, Uint8Array>) {
    this.#settings = settings;
  }

  /** The salt, if it was created. */
  get(): Uint8Array | undefined {
    return this.#settings.get(SALT);
  }

  /** The salt; throws if it was never created (no anchor can exist then). */
  require(): Uint8Array {
    const salt = this.get();
    if (salt === undefined) {
      throw identityError(
        IdentityErrorCode.SALT_NOT_SET,
        'the salt is not set yet: register an anchor first',
      );
    }
    return salt;
  }

  /**
   * Makes the first {@link SALT_BYTES} of `randomness` the salt, unless a salt exists (another
   * call may have set it while this one awaited its randomness); returns the salt in force.
   */
  setOnce(randomness: Uint8Array): Uint8Array {
    const existing = this.get();
    if (existing !== undefined) {
      return existing;
    }
    if (randomness.length < SALT_BYTES) {
      throw new RangeError(`a salt needs ${SALT_BYTES} random bytes, got ${randomness.length}`);
    }
    const salt = randomness.slice(0, SALT_BYTES);
    this.#settings.set(SALT, salt);
    return salt;
  }
}
