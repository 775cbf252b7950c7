import { isWellFormed } from '@citadel/azle-text';
import type { NoteLimits } from './limits.js';
import type { NoteError, NoteInput } from './types.js';

/**
 * Checks a note's title and body against the limits. Characters are Unicode code points, so
 * an emoji outside the Basic Multilingual Plane counts once (an emoji sequence such as a
 * family counts each of its code points). Nothing here loops over characters in JavaScript:
 * in the canister that costs thousands of instructions a character. Text without control
 * characters or surrogates, the usual case, is checked by one anchored regular expression
 * (~240 instructions a character in QuickJS; see `@citadel/azle-text`).
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

/** The number of code points in `text`, or `undefined` if it has an unpaired surrogate. */
export function countCodePoints(text: string): number | undefined {
  if (!isWellFormed(text)) {
    return undefined;
  }
  return text.length - (text.match(SURROGATE_PAIRS)?.length ?? 0);
}

/** `1,234,567`. */
function grouped(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `U+000A`. */
function codePointName(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

type Invalid = Extract<NoteError, { code: 'invalid' }>;

const invalid = (field: 'title' | 'body', message: string): Invalid => ({
  code: 'invalid',
  field,
  message,
});

interface TextRule {
  readonly field: 'title' | 'body';
  readonly minChars: number;
  readonly maxChars: number;
  /** How the length rule ends, e.g. "once trimmed". */
  readonly lengthNote: string;
  readonly forbidden: RegExp;
  /** Matches text with no forbidden character and no surrogate (the fast path). */
  readonly plain: RegExp;
  /** What the control-character rule allows, e.g. "other than line feeds and tabs". */
  readonly allowedNote: string;
}

function checkText(text: string, rule: TextRule): Invalid | undefined {
  const { field, minChars, maxChars } = rule;
  const range =
    minChars > 0 ? `${grouped(minChars)} to ${grouped(maxChars)}` : `at most ${grouped(maxChars)}`;
  const badLength = (has: string) =>
    invalid(field, `${field} must be ${range} characters long${rule.lengthNote}; it has ${has}`);
  if (text.length > 4 * maxChars) {
    // Far too long (a code point is at most two code units): not worth a full scan.
    return badLength(`at least ${grouped(Math.ceil(text.length / 2))}`);
  }
  const plain = rule.plain.test(text);
  const chars = plain ? text.length : countCodePoints(text);
  if (chars === undefined) {
    return invalid(field, `${field} is not valid Unicode text (it has an unpaired surrogate)`);
  }
  if (chars < minChars || chars > maxChars) {
    return badLength(grouped(chars));
  }
  const control = plain ? null : rule.forbidden.exec(text);
  if (control !== null) {
    return invalid(
      field,
      `${field} must not contain control characters${rule.allowedNote} (found ${codePointName(control[0])})`,
    );
  }
  return undefined;
}

/**
 * The input as stored (title trimmed) or the first problem with it: the title must have 1 to
 * `titleChars` characters once trimmed and no control characters (no line breaks); the body
 * at most `bodyChars`, and no control characters but line feed (`\n`) and tab.
 */
export function validateNoteInput(
  input: NoteInput,
  limits: NoteLimits,
): { ok: true; value: NoteInput } | { ok: false; error: Invalid } {
  const title = input.title.trim();
  const error =
    checkText(title, {
      field: 'title',
      minChars: 1,
      maxChars: limits.titleChars,
      lengthNote: ' once trimmed',
      forbidden: CONTROL,
      plain: PLAIN,
      allowedNote: ' such as line breaks or tabs',
    }) ??
    checkText(input.body, {
      field: 'body',
      minChars: 0,
      maxChars: limits.bodyChars,
      lengthNote: '',
      forbidden: CONTROL_BUT_NEWLINE_AND_TAB,
      plain: PLAIN_WITH_NEWLINE_AND_TAB,
      allowedNote: ' other than line feeds and tabs',
    });
  return error === undefined
    ? { ok: true, value: { title, body: input.body, visibility: input.visibility } }
    : { ok: false, error };
}
