import type { ReactNode } from 'react';

/** The page around every view: the name and mark of Internet Identity, then a card. */
export function PageShell({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col items-center px-4 py-10 sm:py-16">
      <header className="mb-6 flex items-center gap-3">
        <svg aria-hidden="true" viewBox="0 0 32 32" className="h-10 w-10 shrink-0">
          <rect width="32" height="32" rx="8" className="fill-violet-700 dark:fill-violet-500" />
          <path
            fill="#fff"
            d="M16 6a6 6 0 0 0-6 6v3H9a1 1 0 0 0-1 1v9a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-9a1 1 0 0 0-1-1h-1v-3a6 6 0 0 0-6-6Zm-3.5 6a3.5 3.5 0 0 1 7 0v3h-7Zm3.5 6.5a1.75 1.75 0 0 1 .9 3.25V23.5h-1.8v-1.75A1.75 1.75 0 0 1 16 18.5Z"
          />
        </svg>
        <div>
          <h1 className="text-lg leading-tight font-bold text-slate-900 dark:text-white">
            Internet Identity
          </h1>
          <p className="text-sm text-slate-500 dark:text-slate-400">Sign in with a passkey</p>
        </div>
      </header>
      <main
        id="main"
        className="w-full max-w-md space-y-5 rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8 dark:border-slate-800 dark:bg-slate-900"
      >
        {children}
      </main>
    </div>
  );
}
