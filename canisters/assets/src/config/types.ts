import type { HeaderField } from '../state/types.js';
import type { TextPosition } from './errors.js';

export type { HeaderField };

/** A `Content-Encoding` the upload tool can produce. `"brotli"` in a config file means `br`. */
export type ContentEncoding = 'identity' | 'gzip' | 'br';

/**
 * `security_policy`: `standard` and `hardened` add the same seven headers (see
 * `SECURITY_POLICY_HEADERS`); `hardened` only changes which warnings are shown.
 */
export type SecurityPolicy = 'disabled' | 'standard' | 'hardened';

/** One validated entry of a config file, with its effect on the asset properties. */
export interface AssetConfigRule {
  /** The glob, relative to the config file's directory (see `glob.ts`). */
  readonly match: string;
  /**
   * `cache`. When present it replaces the whole inherited cache setting, so `cache: {}` clears
   * an inherited `max_age`.
   */
  readonly cache?: { readonly maxAge?: bigint };
  /**
   * `headers`: merged into the inherited ones, name by name (names are case-sensitive here).
   * `null` drops every inherited header. A `null` value inside the map is an empty value.
   */
  readonly headers?: readonly HeaderField[] | null;
  readonly ignore?: boolean;
  readonly enableAliasing?: boolean;
  readonly allowRawAccess?: boolean;
  readonly encodings?: readonly ContentEncoding[];
  readonly securityPolicy?: SecurityPolicy;
  readonly disableSecurityPolicyWarning?: boolean;
  /** Where the rule starts in its file. */
  readonly position: TextPosition;
}

/** One config file: where it sits and its rules. */
export interface AssetConfigFile {
  /** The file's directory relative to the asset root, `/`-separated; `''` for the root itself. */
  readonly dir: string;
  readonly rules: readonly AssetConfigRule[];
  /** The file's path, for messages. */
  readonly file?: string;
}

/** What ic-asset warns about for one asset (sync.rs, `gather_asset_descriptors`). */
export type AssetConfigWarning =
  /** No `security_policy` applies and the warning is not disabled. */
  | 'no-security-policy'
  /** `security_policy: "standard"` and the warning is not disabled. */
  | 'standard-security-policy'
  /** `security_policy: "hardened"` without custom headers; cannot be disabled. */
  | 'hardened-without-headers';

/** The effective configuration of one asset: every matching rule applied in order. */
export interface AssetConfig {
  /**
   * The headers to store with the asset, sorted by name: the merged custom headers plus the
   * security policy's, a custom header winning over a policy header of the same name in any
   * case. `undefined` when nothing sets headers; `[]` for `security_policy: "disabled"` alone.
   */
  readonly headers: readonly HeaderField[] | undefined;
  /** `cache-control: max-age` in seconds; `undefined` when no rule sets one. */
  readonly maxAge: bigint | undefined;
  /** `undefined` leaves the default: dot-files and dot-directories except `.well-known` are skipped. */
  readonly ignore: boolean | undefined;
  /** `is_aliased` for the canister; `undefined` leaves the canister's default (aliased). */
  readonly enableAliasing: boolean | undefined;
  /** @default true */
  readonly allowRawAccess: boolean;
  /** `undefined` means the defaults for the content type (see `defaultEncodings`). */
  readonly encodings: readonly ContentEncoding[] | undefined;
  readonly securityPolicy: SecurityPolicy | undefined;
  readonly disableSecurityPolicyWarning: boolean | undefined;
  readonly warnings: readonly AssetConfigWarning[];
}
