import { formatAbsoluteTime, formatRelativeTime } from '../lib/time';

/** When a note was written, and when it was last edited, relative to `nowMs`. */
export function NoteTimestamp({
  createdAt,
  updatedAt,
  nowMs,
}: {
  createdAt: Date;
  updatedAt: Date;
  nowMs: number;
}) {
  const edited = updatedAt.getTime() > createdAt.getTime();
  return (
    <span className="text-slate-500 dark:text-slate-400">
      <Time date={createdAt} nowMs={nowMs} />
      {edited ? (
        <>
          {' · edited '}
          <Time date={updatedAt} nowMs={nowMs} />
        </>
      ) : null}
    </span>
  );
}

function Time({ date, nowMs }: { date: Date; nowMs: number }) {
  const absolute = formatAbsoluteTime(date);
  return (
    <time dateTime={date.toISOString()} title={absolute}>
      {formatRelativeTime(date, nowMs)}
      <span className="sr-only"> ({absolute})</span>
    </time>
  );
}
