import { CitadelError, type ErrorKind } from '@citadel/protocol';

/**
 * Why the identity canister refuses a call. The canister traps with the message (the replica
 * turns a trap into a reject carrying it); code and details are for tests and logs.
 */
export const IdentityErrorCode = {
  /** The caller is not the principal of any device of the anchor (or, in `register`, of the new device). */
  UNAUTHORIZED: 'II_UNAUTHORIZED',
  /** No anchor has this number. */
  ANCHOR_NOT_FOUND: 'II_ANCHOR_NOT_FOUND',
  /** A device field breaks a rule: a size limit, or protection on a key that is not a seed phrase. */
  INVALID_DEVICE: 'II_INVALID_DEVICE',
  /** The device's pubkey or credential id is already registered, to this anchor or another. */
  DUPLICATE_DEVICE: 'II_DUPLICATE_DEVICE',
  /** The anchor already has the most devices allowed. */
  TOO_MANY_DEVICES: 'II_TOO_MANY_DEVICES',
  /** The anchor has no device with this pubkey. */
  DEVICE_NOT_FOUND: 'II_DEVICE_NOT_FOUND',
  /** Removing the anchor's only device would lock it for ever. */
  LAST_DEVICE: 'II_LAST_DEVICE',
  /** A protected device can only be removed by a call from itself. */
  PROTECTED_DEVICE: 'II_PROTECTED_DEVICE',
  /** A frontend hostname or session key is empty or too long. */
  INVALID_ARGUMENT: 'II_INVALID_ARGUMENT',
  /** `get_delegation` ran without a data certificate: it was not called as a query. */
  NO_CERTIFICATE: 'II_NO_CERTIFICATE',
  /** The salt is needed before any anchor exists to have created it. */
  SALT_NOT_SET: 'II_SALT_NOT_SET',
  /** Stable memory holds bytes this version cannot read. */
  CORRUPT_RECORD: 'II_CORRUPT_RECORD',
} as const;

export type IdentityErrorCode = (typeof IdentityErrorCode)[keyof typeof IdentityErrorCode];

const KIND: Record<IdentityErrorCode, ErrorKind> = {
  II_UNAUTHORIZED: 'trust',
  II_ANCHOR_NOT_FOUND: 'input',
  II_INVALID_DEVICE: 'input',
  II_DUPLICATE_DEVICE: 'input',
  II_TOO_MANY_DEVICES: 'limit',
  II_DEVICE_NOT_FOUND: 'input',
  II_LAST_DEVICE: 'input',
  II_PROTECTED_DEVICE: 'trust',
  II_INVALID_ARGUMENT: 'input',
  II_NO_CERTIFICATE: 'protocol',
  II_SALT_NOT_SET: 'unknown',
  II_CORRUPT_RECORD: 'unknown',
};

/** An error of the identity canister with its code's kind. */
export function identityError(
  code: IdentityErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): CitadelError {
  return new CitadelError(KIND[code], code, message, details);
}
