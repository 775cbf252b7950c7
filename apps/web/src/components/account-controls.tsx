'use client';

import type { AppUser } from '../lib/app-user';
import { buttonClass } from './button-styles';

/** What {@link AccountControls} shows and does. */
export interface AccountControlsProps {
  /** Who calls are signed as; undefined while a kept session is being restored. */
  readonly user: AppUser['kind'] | undefined;
  readonly busy: 'logging-in' | 'logging-out' | undefined;
  readonly onLogIn: () => void;
  readonly onLogOut: () => void;
}

const KIND_LABELS: Readonly<Record<AppUser['kind'], string>> = {
  guest: 'Guest key',
  'internet-identity': 'Internet Identity',
};

/**
 * Which identity the app signs with ("Guest key" or "Internet Identity"), and the button
 * that switches: **Log in** for a guest, **Log out** once logged in. Log in stays enabled
 * while the II window is open: if the browser blocked that window, or it got lost, a
 * second click opens a new one (auth-client closes the old).
 */
export function AccountControls({ user, busy, onLogIn, onLogOut }: AccountControlsProps) {
  if (user === undefined) {
    return (
      <span
        aria-hidden="true"
        className="h-8 w-28 animate-pulse rounded-lg bg-slate-200 dark:bg-slate-700"
      />
    );
  }
  const loggedIn = user === 'internet-identity';
  return (
    <div className="flex items-center gap-2">
      <span
        data-testid="identity-kind"
        data-identity-kind={user}
        title={
          loggedIn
            ? 'Signed with your Internet Identity: your principal for this app'
            : 'Signed with a key kept in this browser only'
        }
        className={
          loggedIn
            ? 'rounded-full bg-emerald-100 px-2.5 py-1 text-xs font-semibold text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200'
            : 'rounded-full bg-amber-100 px-2.5 py-1 text-xs font-semibold text-amber-800 dark:bg-amber-900/50 dark:text-amber-200'
        }
      >
        {KIND_LABELS[user]}
      </span>
      {loggedIn ? (
        <button
          type="button"
          data-testid="logout"
          onClick={onLogOut}
          disabled={busy !== undefined}
          className={buttonClass('secondary')}
        >
          {busy === 'logging-out' ? 'Logging out…' : 'Log out'}
        </button>
      ) : (
        <button
          type="button"
          data-testid="login"
          onClick={onLogIn}
          className={buttonClass('primary')}
        >
          Log in
        </button>
      )}
      <span role="status" className="sr-only">
        {busy === 'logging-in' ? 'Continue in the Internet Identity window' : ''}
      </span>
    </div>
  );
}
