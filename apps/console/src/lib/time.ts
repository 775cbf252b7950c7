/** Converting the canister's nanosecond timestamps and showing them to people. */

const NS_PER_MS = 1_000_000n;

/** The `Date` of a timestamp in nanoseconds since the epoch (`ic0.time`); sub-millisecond digits are dropped. */
export function nsToDate(timeNs: bigint): Date {
  return new Date(Number(timeNs / NS_PER_MS));
}

/** Locale and time zone for formatting; both default to the browser's. */
export interface TimeFormatOptions {
  readonly locale?: string;
  readonly timeZone?: string;
}

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * Thresholds (in the style of Moment.js / Day.js) below which a distance is said in a unit;
 * a distance of at least the last threshold is said in years.
 */
const RELATIVE_STEPS: readonly {
  readonly belowMs: number;
  readonly unit: Intl.RelativeTimeFormatUnit;
  readonly unitMs: number;
}[] = [
  { belowMs: 45 * MINUTE_MS, unit: 'minute', unitMs: MINUTE_MS },
  { belowMs: 22 * HOUR_MS, unit: 'hour', unitMs: HOUR_MS },
  { belowMs: 26 * DAY_MS, unit: 'day', unitMs: DAY_MS },
  { belowMs: 320 * DAY_MS, unit: 'month', unitMs: 30 * DAY_MS },
];

/** Distances under this many milliseconds (either way: clocks drift) are "just now". */
const JUST_NOW_MS = 45 * SECOND_MS;

/**
 * `date` relative to `nowMs`, in words: "just now", "5 minutes ago", "yesterday", "in 2 hours".
 * @example
 * formatRelativeTime(new Date(0), 3 * 60_000, { locale: 'en' }) // '3 minutes ago'
 */
export function formatRelativeTime(
  date: Date,
  nowMs: number,
  options: TimeFormatOptions = {},
): string {
  const deltaMs = date.getTime() - nowMs;
  const distanceMs = Math.abs(deltaMs);
  if (distanceMs < JUST_NOW_MS) {
    return 'just now';
  }
  const format = new Intl.RelativeTimeFormat(options.locale, { numeric: 'auto' });
  const step = RELATIVE_STEPS.find((candidate) => distanceMs < candidate.belowMs);
  const unit = step?.unit ?? 'year';
  const unitMs = step?.unitMs ?? 365 * DAY_MS;
  // At least 1: 50 seconds is "1 minute ago", not "0 minutes ago".
  const amount = Math.max(1, Math.round(distanceMs / unitMs));
  return format.format(deltaMs < 0 ? -amount : amount, unit);
}

/**
 * `date` as a full date and time, such as "Mar 4, 2025, 2:05 PM"; with `seconds`, such as
 * "Mar 4, 2025, 2:05:09 PM" (for a certificate's time, which changes every few seconds).
 * @example
 * formatAbsoluteTime(new Date(0), { locale: 'en-US', timeZone: 'UTC' }) // 'Jan 1, 1970, 12:00 AM'
 */
export function formatAbsoluteTime(
  date: Date,
  options: TimeFormatOptions & { readonly seconds?: boolean } = {},
): string {
  return new Intl.DateTimeFormat(options.locale, {
    dateStyle: 'medium',
    timeStyle: options.seconds === true ? 'medium' : 'short',
    timeZone: options.timeZone,
  }).format(date);
}
