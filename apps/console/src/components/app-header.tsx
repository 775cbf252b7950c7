import { ViewLink } from './dapp-link';

/** What {@link AppHeader} shows. */
export interface AppHeaderProps {
  /** The list view's URL. */
  readonly homeHref: string;
  /** Shows the list in place. */
  readonly onHome: () => void;
  /** The network the console reads, such as `local`. */
  readonly network: string | undefined;
}

/** The console's mark and name (a link to the list), and the network it reads. */
export function AppHeader({ homeHref, onHome, network }: AppHeaderProps) {
  return (
    <header className="border-b border-slate-200 bg-white/80 backdrop-blur dark:border-slate-800 dark:bg-slate-950/80">
      <div className="mx-auto flex max-w-5xl items-center justify-between gap-4 px-4 py-3 sm:px-6">
        <ViewLink
          href={homeHref}
          onNavigate={onHome}
          className="flex items-center gap-3 rounded-lg"
        >
          <svg aria-hidden="true" viewBox="0 0 32 32" className="h-8 w-8 shrink-0">
            <rect width="32" height="32" rx="7" className="fill-indigo-600 dark:fill-indigo-500" />
            <path
              fill="#fff"
              d="M7 6h3.5v2.5H13V6h6v2.5h2.5V6H25v8l-1.8 1.8V24H25v2H7v-2h1.8v-8.2L7 14V6Zm7.2 12.3V24h3.6v-5.7a1.8 1.8 0 0 0-3.6 0Z"
            />
          </svg>
          <span className="leading-tight">
            <span className="block font-bold text-slate-900 dark:text-white">Citadel Console</span>
            <span className="block text-xs text-slate-500 dark:text-slate-400">
              dApps on this network, verified
            </span>
          </span>
        </ViewLink>
        {network === undefined ? null : (
          <span className="rounded-full bg-slate-100 px-2.5 py-1 font-mono text-xs text-slate-700 dark:bg-slate-800 dark:text-slate-300">
            network: {network}
          </span>
        )}
      </div>
    </header>
  );
}
