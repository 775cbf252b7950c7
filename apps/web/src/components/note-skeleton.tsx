/** Placeholder cards while a feed loads, announced once as "Loading notes…". */
export function NoteSkeletons({ count = 3 }: { count?: number }) {
  return (
    <div data-testid="loading">
      <p role="status" className="sr-only">
        Loading notes…
      </p>
      <ul aria-hidden="true" className="space-y-4">
        {Array.from({ length: count }, (_, index) => (
          <li
            key={index}
            className="animate-pulse rounded-2xl border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900"
          >
            <div className="h-5 w-1/3 rounded bg-slate-200 dark:bg-slate-700" />
            <div className="mt-4 h-3 w-full rounded bg-slate-200 dark:bg-slate-700" />
            <div className="mt-2 h-3 w-5/6 rounded bg-slate-200 dark:bg-slate-700" />
            <div className="mt-5 h-3 w-1/4 rounded bg-slate-200 dark:bg-slate-700" />
          </li>
        ))}
      </ul>
    </div>
  );
}
