import { formatAbsoluteTime, formatRelativeTime } from '../lib/time';

/** What {@link Timestamp} shows. */
export interface TimestampProps {
  readonly date: Date;
  /** The current time, so relative times move on (see `useNow`). */
  readonly nowMs: number;
  /** Include seconds in the absolute time (for certificate times). @default false */
  readonly seconds?: boolean;
}

/** A time both ways: "5 minutes ago · Mar 4, 2025, 2:05 PM", machine-readable in `dateTime`. */
export function Timestamp({ date, nowMs, seconds = false }: TimestampProps) {
  const absolute = formatAbsoluteTime(date, { seconds });
  return (
    <time dateTime={date.toISOString()} title={date.toISOString()}>
      {formatRelativeTime(date, nowMs)}
      <span className="text-slate-500 dark:text-slate-400"> · {absolute}</span>
    </time>
  );
}
