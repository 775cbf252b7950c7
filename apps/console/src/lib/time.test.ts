import { describe, expect, it } from 'vitest';
import { formatAbsoluteTime, formatRelativeTime, nsToDate } from './time';

const NOW_MS = Date.UTC(2025, 2, 4, 14, 5, 0);
const en = { locale: 'en-US' };

function ago(ms: number): Date {
  return new Date(NOW_MS - ms);
}

describe('nsToDate', () => {
  it('converts nanoseconds since the epoch to the same instant', () => {
    expect(nsToDate(1_741_097_100_123_456_789n).toISOString()).toBe('2025-03-04T14:05:00.123Z');
  });

  it('keeps the epoch itself', () => {
    expect(nsToDate(0n).getTime()).toBe(0);
  });
});

describe('formatRelativeTime', () => {
  it('says just now for under 45 seconds, either way', () => {
    expect(formatRelativeTime(ago(44_000), NOW_MS, en)).toBe('just now');
    expect(formatRelativeTime(ago(-10_000), NOW_MS, en)).toBe('just now');
  });

  it('says minutes below 45 minutes, never zero of them', () => {
    expect(formatRelativeTime(ago(50_000), NOW_MS, en)).toBe('1 minute ago');
    expect(formatRelativeTime(ago(5 * 60_000), NOW_MS, en)).toBe('5 minutes ago');
  });

  it('says hours, days, months and years as the distance grows', () => {
    expect(formatRelativeTime(ago(3 * 3_600_000), NOW_MS, en)).toBe('3 hours ago');
    expect(formatRelativeTime(ago(24 * 3_600_000), NOW_MS, en)).toBe('yesterday');
    expect(formatRelativeTime(ago(10 * 86_400_000), NOW_MS, en)).toBe('10 days ago');
    expect(formatRelativeTime(ago(90 * 86_400_000), NOW_MS, en)).toBe('3 months ago');
    expect(formatRelativeTime(ago(800 * 86_400_000), NOW_MS, en)).toBe('2 years ago');
  });

  it('says the future for a date after now', () => {
    expect(formatRelativeTime(ago(-2 * 3_600_000), NOW_MS, en)).toBe('in 2 hours');
  });
});

describe('formatAbsoluteTime', () => {
  it('formats date and time in the given locale and time zone', () => {
    const text = formatAbsoluteTime(new Date(NOW_MS), { locale: 'en-US', timeZone: 'UTC' });
    // ICU puts a narrow no-break space before "PM"; which one depends on its version.
    expect(text.replace(/\s/gu, ' ')).toBe('Mar 4, 2025, 2:05 PM');
  });

  it('adds seconds when asked', () => {
    const text = formatAbsoluteTime(new Date(NOW_MS + 9_000), {
      locale: 'en-US',
      timeZone: 'UTC',
      seconds: true,
    });
    expect(text.replace(/\s/gu, ' ')).toBe('Mar 4, 2025, 2:05:09 PM');
  });
});
