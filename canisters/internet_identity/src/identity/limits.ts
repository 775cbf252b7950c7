/** Limits on anchors, devices and arguments; the canister traps (or answers `bad_device`) past them. */
export interface IdentityLimits {
  /** Most bytes in a device's DER public key. */
  readonly pubkeyBytes: number;
  /** Most characters (Unicode code points) in a device alias. */
  readonly aliasChars: number;
  /** Most bytes in a WebAuthn credential id. */
  readonly credentialIdBytes: number;
  /** Most bytes (UTF-8) in a device's `origin`. */
  readonly originBytes: number;
  /** Most devices one anchor may have. */
  readonly devicesPerAnchor: number;
  /** Most bytes (UTF-8) in a frontend hostname: the seed gives it a one-byte length (§3.5). */
  readonly frontendBytes: number;
  /** Most bytes in a session key's DER. */
  readonly sessionKeyBytes: number;
  /** Most anchors the canister hands out; then `register` answers `canister_full`. */
  readonly anchors: number;
}

/** The limits in force. */
export const IDENTITY_LIMITS: IdentityLimits = Object.freeze({
  pubkeyBytes: 300,
  aliasChars: 64,
  credentialIdBytes: 350,
  originBytes: 255,
  devicesPerAnchor: 8,
  frontendBytes: 255,
  sessionKeyBytes: 300,
  anchors: 1_000_000,
});

/** The first anchor number; later ones follow in sequence, as on the real II. */
export const FIRST_ANCHOR = 10_000n;

const MINUTE_NS = 60_000_000_000n;

/** Session length when `prepare_delegation` names no `maxTimeToLive`: 30 minutes (§5.3). */
export const DEFAULT_SESSION_TTL_NS = 30n * MINUTE_NS;
/** The longest session a delegation may grant: 30 days (§5.3). */
export const MAX_SESSION_TTL_NS = 30n * 24n * 60n * MINUTE_NS;
/** How long a prepared signature may be fetched with `get_delegation`: 1 minute (§3.4). */
export const SIGNATURE_TTL_NS = MINUTE_NS;
/** Most expired signatures one `prepare_delegation` prunes (§3.4). */
export const SIGNATURES_PRUNED_PER_ADD = 50;
