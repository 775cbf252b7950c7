import { AccountControls, type AccountControlsProps } from './account-controls';
import { PrincipalBadge } from './principal-badge';

/**
 * The page header: the app's name and who the user is, with a placeholder while `pending`
 * and nothing when there is no principal to show (the app could not start); then which
 * identity that is, with Log in or Log out (`account`, absent when the app cannot run).
 */
export function AppHeader({
  principal,
  pending,
  account,
}: {
  principal: string | undefined;
  pending: boolean;
  account?: AccountControlsProps;
}) {
  return (
    <header className="border-b border-slate-200 bg-white/80 backdrop-blur dark:border-slate-800 dark:bg-slate-900/80">
      <div className="mx-auto flex max-w-3xl flex-wrap items-center justify-between gap-4 px-4 py-4 sm:px-6">
        <div className="flex items-center gap-3">
          <svg
            aria-hidden="true"
            viewBox="0 0 32 32"
            className="h-9 w-9 shrink-0 text-indigo-600 dark:text-indigo-400"
          >
            <path
              fill="currentColor"
              d="M6 4h4v3h3V4h6v3h3V4h4v9l-2 2v11h2v2H6v-2h2V15l-2-2V4Zm8 14v8h4v-8a2 2 0 0 0-4 0Z"
            />
          </svg>
          <div>
            <h1 className="text-lg leading-tight font-bold text-slate-900 dark:text-white">
              Citadel Notes
            </h1>
            <p className="text-sm text-slate-500 dark:text-slate-400">
              Notes kept in a canister, certified end to end.
            </p>
          </div>
        </div>
        <div className="ml-auto flex flex-wrap items-center justify-end gap-3">
          {principal !== undefined || pending ? <PrincipalBadge principal={principal} /> : null}
          {account === undefined ? null : <AccountControls {...account} />}
        </div>
      </div>
    </header>
  );
}
