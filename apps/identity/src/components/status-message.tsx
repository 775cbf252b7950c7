import type { ReactNode } from 'react';

/**
 * What the page is doing or waiting for (`role="status"`, announced politely), with a
 * spinner while `busy`.
 */
export function StatusMessage({ children, busy = false }: { children: ReactNode; busy?: boolean }) {
  return (
    <p
      role="status"
      data-testid="status"
      aria-busy={busy}
      className="flex items-center gap-2.5 text-sm text-slate-600 dark:text-slate-300"
    >
      {busy ? (
        <span
          aria-hidden="true"
          className="h-4 w-4 shrink-0 animate-spin rounded-full border-2 border-violet-600 border-t-transparent motion-reduce:animate-none dark:border-violet-400 dark:border-t-transparent"
        />
      ) : null}
      <span>{children}</span>
    </p>
  );
}
