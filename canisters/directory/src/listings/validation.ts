import { isWellFormed } from '@citadel/azle-text';
import type { DirectoryLimits } from './limits.js';
import { isCanisterId, principalText } from './principal.js';
import type { Backend, DirectoryError, ListingInput } from './types.js';

/**
 * Checks of what callers write. Characters are Unicode code points, so an emoji outside the
 * Basic Multilingual Plane counts once. Nothing here loops over characters in JavaScript: in
 * the canister that costs thousands of instructions a character. Text without control
 * characters or surrogates, the usual case, is checked by one anchored regular expression
 * (~240 instructions a character in QuickJS; see `@citadel/azle-text`), and so is an icon.
 */

/** Control characters (Unicode category Cc): C0, DEL and C1. */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Control characters other than line feed and tab. */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL_BUT_NEWLINE_AND_TAB = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
/** Text with no control character and no surrogate: one code point per code unit. */
// eslint-disable-next-line no-control-regex -- control characters are what it excludes
const PLAIN = /^[^\u0000-\u001f\u007f-\u009f\ud800-\udfff]*$/;
/** As {@link PLAIN}, but line feeds and tabs allowed. */
// eslint-disable-next-line no-control-regex -- control characters are what it excludes
const PLAIN_WITH_NEWLINE_AND_TAB = /^[^\u0000-\u0008\u000b-\u001f\u007f-\u009f\ud800-\udfff]*$/;
const SURROGATE_PAIRS = /[\ud800-\udbff][\udc00-\udfff]/g;

/** Printable ASCII but the space and the backslash (which browsers read as `/` in URLs). */
const ICON_CHARS = /^[\x21-\x5b\x5d-\x7e]*$/;
/** A path on the dApp's own origin: `/` then anything but a second `/` (`//host` is another origin). */
const ICON_PATH = /^\/(?!\/)/;
/** An `https:` URL with a plain host (letters, digits, hyphens, dots), no user info, a port at most. */
const ICON_HTTPS = /^https:\/\/[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::[0-9]{1,5})?(?:[/?#].*)?$/i;
/** A base64 image `data:` URL. */
const ICON_DATA_BASE64 =
  /^data:image\/(?:png|jpeg|gif|webp|avif|svg\+xml|x-icon|vnd\.microsoft\.icon);base64,[A-Za-z0-9+/]+={0,2}$/;
/** A percent-encoded SVG `data:` URL (`data:image/svg+xml,%3Csvg ...`). */
const ICON_DATA_SVG =
  /^data:image\/svg\+xml(?:;charset=utf-8)?,[A-Za-z0-9\-._~%!$&'()*+,;=:@/?#[\]]+$/i;

/** The number of code points in `text`, or `undefined` if it has an unpaired surrogate. */
export function countCodePoints(text: string): number | undefined {
  if (!isWellFormed(text)) {
    return undefined;
  }
  return text.length - (text.match(SURROGATE_PAIRS)?.length ?? 0);
}

/** `1,234,567`. */
export function grouped(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `U+000A`. */
function codePointName(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The `invalid` error. */
export type Invalid = Extract<DirectoryError, { code: 'invalid' }>;

export const invalid = (field: string, message: string): Invalid => ({
  code: 'invalid',
  field,
  message,
});

interface TextRule {
  readonly field: string;
  readonly minChars: number;
  readonly maxChars: number;
  /** Whether line feeds and tabs are allowed. */
  readonly multiline: boolean;
}

/** The first problem with `text` (already trimmed) under `rule`, if any. */
function checkText(text: string, rule: TextRule): Invalid | undefined {
  const { field, minChars, maxChars } = rule;
  const range =
    minChars > 0 ? `${grouped(minChars)} to ${grouped(maxChars)}` : `at most ${grouped(maxChars)}`;
  const badLength = (has: string) =>
    invalid(field, `${field} must be ${range} characters long once trimmed; it has ${has}`);
  if (text.length > 4 * maxChars) {
    // Far too long (a code point is at most two code units): not worth a full scan.
    return badLength(`at least ${grouped(Math.ceil(text.length / 2))}`);
  }
  const plain = (rule.multiline ? PLAIN_WITH_NEWLINE_AND_TAB : PLAIN).test(text);
  const chars = plain ? text.length : countCodePoints(text);
  if (chars === undefined) {
    return invalid(field, `${field} is not valid Unicode text (it has an unpaired surrogate)`);
  }
  if (chars < minChars || chars > maxChars) {
    return badLength(grouped(chars));
  }
  const control = plain
    ? null
    : (rule.multiline ? CONTROL_BUT_NEWLINE_AND_TAB : CONTROL).exec(text);
  if (control !== null) {
    const allowed = rule.multiline ? ' other than line feeds and tabs' : ' such as line breaks';
    return invalid(
      field,
      `${field} must not contain control characters${allowed} (found ${codePointName(control[0])})`,
    );
  }
  return undefined;
}

/** The first problem with `id` as the canister id in `field`, if any. */
function checkCanisterId(field: string, id: Uint8Array): Invalid | undefined {
  return isCanisterId(id)
    ? undefined
    : invalid(field, `${field} must be a canister id; ${principalText(id)} is not one`);
}

/**
 * The first problem with an icon, if any: at most `iconBytes` of printable ASCII (other
 * characters percent-encoded), and one of a path on the dApp's origin (`/icon.svg`), an
 * `https:` URL, or an image `data:` URL (base64, or a percent-encoded SVG).
 */
export function checkIcon(
  icon: string,
  limits: Pick<DirectoryLimits, 'iconBytes'>,
): Invalid | undefined {
  if (icon.length > limits.iconBytes) {
    return invalid(
      'icon',
      `icon must be at most ${grouped(limits.iconBytes)} bytes long; it has ${grouped(icon.length)} characters`,
    );
  }
  if (!ICON_CHARS.test(icon)) {
    return invalid(
      'icon',
      'icon must be printable ASCII without spaces or backslashes (percent-encode other characters)',
    );
  }
  if (icon.startsWith('/')) {
    return ICON_PATH.test(icon)
      ? undefined
      : invalid('icon', `icon must be a path on the dApp's origin such as /icon.svg, not //…`);
  }
  if (/^https:/i.test(icon)) {
    return ICON_HTTPS.test(icon)
      ? undefined
      : invalid('icon', 'icon must be an https:// URL with a host name (and no user name)');
  }
  if (/^data:/i.test(icon)) {
    const base64 = /;base64,(.*)$/.exec(icon)?.[1];
    const valid =
      base64 === undefined
        ? ICON_DATA_SVG.test(icon)
        : ICON_DATA_BASE64.test(icon) && base64.length % 4 === 0;
    return valid
      ? undefined
      : invalid(
          'icon',
          'icon must be a data:image/… URL: base64 PNG, JPEG, GIF, WebP, AVIF, SVG or ICO, or a percent-encoded SVG',
        );
  }
  return invalid(
    'icon',
    'icon must be a path on the dApp’s origin (/icon.svg), an https:// URL or a data:image/… URL',
  );
}

/** Backends as stored (names trimmed), or the first problem with them. */
function checkBackends(
  backends: readonly Backend[],
  limits: DirectoryLimits,
): { ok: true; value: Backend[] } | { ok: false; error: Invalid } {
  if (backends.length > limits.backends) {
    return {
      ok: false,
      error: invalid(
        'backends',
        `backends must name at most ${limits.backends} canisters; it names ${grouped(backends.length)}`,
      ),
    };
  }
  const names = new Set<string>();
  const ids = new Set<string>();
  const value: Backend[] = [];
  for (const [index, backend] of backends.entries()) {
    const name = backend.name.trim();
    const field = `backends[${index}]`;
    const error =
      checkText(name, {
        field: `${field}.name`,
        minChars: 1,
        maxChars: limits.backendNameChars,
        multiline: false,
      }) ?? checkCanisterId(`${field}.id`, backend.id);
    if (error !== undefined) {
      return { ok: false, error };
    }
    const idKey = String.fromCharCode(...backend.id);
    if (names.has(name) || ids.has(idKey)) {
      const what = names.has(name) ? `the name ${name}` : `the id ${principalText(backend.id)}`;
      return { ok: false, error: invalid(field, `${field} repeats ${what} of another backend`) };
    }
    names.add(name);
    ids.add(idKey);
    value.push({ name, id: backend.id.slice() });
  }
  return { ok: true, value };
}

/** The first problem with a frontend canister id, if any. */
export function checkFrontend(frontend: Uint8Array): Invalid | undefined {
  return checkCanisterId('frontend', frontend);
}

/**
 * The input as stored (texts trimmed) or the first problem with it, in the order of its
 * fields: the frontend must be a canister id; the name 1 to `nameChars` characters once
 * trimmed, on one line; the description at most `descriptionChars` once trimmed, no control
 * characters but line feed and tab; at most `backends` backends, each with a name (as a
 * listing's name, 1 to `backendNameChars`) and a canister id, neither repeated; the icon as
 * {@link checkIcon} says.
 */
export function validateListingInput(
  input: ListingInput,
  limits: DirectoryLimits,
): { ok: true; value: ListingInput } | { ok: false; error: Invalid } {
  const name = input.name.trim();
  const description = input.description.trim();
  const error =
    checkFrontend(input.frontend) ??
    checkText(name, { field: 'name', minChars: 1, maxChars: limits.nameChars, multiline: false }) ??
    checkText(description, {
      field: 'description',
      minChars: 0,
      maxChars: limits.descriptionChars,
      multiline: true,
    });
  if (error !== undefined) {
    return { ok: false, error };
  }
  const backends = checkBackends(input.backends, limits);
  if (!backends.ok) {
    return backends;
  }
  const iconError = input.icon === undefined ? undefined : checkIcon(input.icon, limits);
  if (iconError !== undefined) {
    return { ok: false, error: iconError };
  }
  return {
    ok: true,
    value: {
      frontend: input.frontend.slice(),
      name,
      description,
      backends: backends.value,
      ...(input.icon === undefined ? {} : { icon: input.icon }),
      ...(input.lastRelease === undefined ? {} : { lastRelease: input.lastRelease }),
    },
  };
}
