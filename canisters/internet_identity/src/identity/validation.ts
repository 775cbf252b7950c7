import type { CitadelError } from '@citadel/protocol';
import { IdentityErrorCode, identityError } from './errors.js';
import type { IdentityLimits } from './limits.js';
import type { DeviceData } from './types.js';

/**
 * Argument checks. Each returns the first problem as an error (it is not thrown: `register`
 * answers a bad device with `bad_device`, other methods trap with the same message).
 */

const utf8 = new TextEncoder();
const SURROGATE_PAIRS = /[\ud800-\udbff][\udc00-\udfff]/g;

/** `1,234`. */
function grouped(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Unicode code points in `text`; Candid text is UTF-8, so it has no unpaired surrogates. */
function codePoints(text: string): number {
  return text.length - (text.match(SURROGATE_PAIRS)?.length ?? 0);
}

function invalidDevice(field: string, message: string): CitadelError {
  return identityError(IdentityErrorCode.INVALID_DEVICE, message, { field });
}

function checkBytes(
  field: string,
  length: number,
  max: number,
  unit: 'bytes' | 'bytes of UTF-8',
): CitadelError | undefined {
  if (length === 0) {
    return invalidDevice(field, `${field} must not be empty`);
  }
  if (length > max) {
    return invalidDevice(
      field,
      `${field} must be at most ${grouped(max)} ${unit}; it has ${grouped(length)}`,
    );
  }
  return undefined;
}

/** The first size or protection problem of a device, if any. */
export function checkDevice(device: DeviceData, limits: IdentityLimits): CitadelError | undefined {
  const problem =
    checkBytes('pubkey', device.pubkey.length, limits.pubkeyBytes, 'bytes') ??
    (device.credentialId === undefined
      ? undefined
      : checkBytes(
          'credential_id',
          device.credentialId.length,
          limits.credentialIdBytes,
          'bytes',
        )) ??
    (device.origin === undefined
      ? undefined
      : checkBytes(
          'origin',
          utf8.encode(device.origin).length,
          limits.originBytes,
          'bytes of UTF-8',
        ));
  if (problem !== undefined) {
    return problem;
  }
  // A code point is one or two UTF-16 code units: only lengths in between need counting.
  const aliasChars =
    device.alias.length <= limits.aliasChars ? device.alias.length : codePoints(device.alias);
  if (aliasChars > limits.aliasChars) {
    return invalidDevice(
      'alias',
      `alias must be at most ${grouped(limits.aliasChars)} characters; it has ${grouped(aliasChars)}`,
    );
  }
  if (device.protection === 'protected' && device.keyType !== 'seed_phrase') {
    // As on the real II: only a recovery phrase can be locked to itself.
    return invalidDevice('protection', 'only seed_phrase devices can be protected');
  }
  return undefined;
}

/** The frontend hostname as UTF-8 (what the seed hashes), or the problem with it. */
export function checkFrontend(
  frontend: string,
  limits: IdentityLimits,
): { ok: true; bytes: Uint8Array } | { ok: false; error: CitadelError } {
  const bytes = utf8.encode(frontend);
  if (bytes.length === 0 || bytes.length > limits.frontendBytes) {
    return {
      ok: false,
      error: identityError(
        IdentityErrorCode.INVALID_ARGUMENT,
        `frontend hostname must be 1 to ${grouped(limits.frontendBytes)} bytes of UTF-8; it has ${grouped(bytes.length)}`,
        { field: 'frontend', length: bytes.length },
      ),
    };
  }
  return { ok: true, bytes };
}

/** The problem with a session key, if any. */
export function checkSessionKey(
  sessionKey: Uint8Array,
  limits: IdentityLimits,
): CitadelError | undefined {
  if (sessionKey.length === 0 || sessionKey.length > limits.sessionKeyBytes) {
    return identityError(
      IdentityErrorCode.INVALID_ARGUMENT,
      `session key must be 1 to ${grouped(limits.sessionKeyBytes)} bytes; it has ${grouped(sessionKey.length)}`,
      { field: 'session_key', length: sessionKey.length },
    );
  }
  return undefined;
}
