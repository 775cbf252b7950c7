import { CliErrorCode, createCliError } from '../errors.js';

/**
 * What a backend canister's name may be (as citadel.json allows): it names files, folders and a
 * dfx.json entry.
 */
export const CANISTER_NAME = /^[a-z][a-z0-9_-]{0,62}$/;

/** Throws `CLI_PROJECT_CONFIG_INVALID` unless `name` is a usable canister name. */
export function assertCanisterName(name: string): void {
  if (!CANISTER_NAME.test(name)) {
    throw createCliError(
      CliErrorCode.PROJECT_CONFIG_INVALID,
      `${JSON.stringify(name)} is not a canister name: use a lower-case letter, then lower-case letters, digits, _ or - (at most 63).`,
      { name },
    );
  }
}
