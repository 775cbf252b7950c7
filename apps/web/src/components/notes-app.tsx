'use client';

import { useCallback, useEffect, useState } from 'react';
import { readAppConfig, type AppConfig, type AppConfigResult } from '../lib/app-config';
import { identityOf, type AppUser } from '../lib/app-user';
import { createBackendSession, type BackendSession } from '../lib/backend-session';
import { resolveIdentityProvider } from '../lib/identity-provider';
import {
  createBrowserInternetIdentityClient,
  describeLoginError,
  detailOfLoginError,
  type CreateInternetIdentityClient,
} from '../lib/internet-identity';
import { NotesApiProvider } from '../lib/notes-api-context';
import { fromThrown, type NotesError } from '../lib/notes-error';
import { AppHeader } from './app-header';
import { ErrorBanner } from './error-banner';
import { NoteSkeletons } from './note-skeleton';
import { NotesBoard } from './notes-board';
import { useInternetIdentity } from './use-internet-identity';

/**
 * Connects to the backend with this build's settings, signing as `user`; `NotesApp` takes
 * another in tests.
 */
export type ConnectBackend = (config: AppConfig, user: AppUser) => Promise<BackendSession>;

/** What {@link NotesApp} runs with; all default to the real thing. */
export interface NotesAppProps {
  /** @default readAppConfig() — the settings `citadel deploy` built the app with */
  readonly config?: AppConfigResult;
  /** @default the user's identity, and an agent on the page's gateway */
  readonly connect?: ConnectBackend;
  /** @default auth-client's `AuthClient.create`, which restores a kept session */
  readonly createAuthClient?: CreateInternetIdentityClient;
}

type Connection =
  | { readonly status: 'connecting' }
  | { readonly status: 'connected'; readonly session: BackendSession }
  | { readonly status: 'failed'; readonly error: NotesError };

const connectToBackend: ConnectBackend = async (config, user) =>
  createBackendSession({ config, identity: await identityOf(user), location: window.location });

/**
 * The whole app: header (who the user is, Log in / Log out), then the notes once connected
 * (or why it cannot connect). Each change of user connects again, so the feeds reload for
 * the new principal.
 */
export function NotesApp({
  config: given,
  connect = connectToBackend,
  createAuthClient = createBrowserInternetIdentityClient,
}: NotesAppProps) {
  const [config] = useState(() => given ?? readAppConfig());
  const [connection, setConnection] = useState<Connection>({ status: 'connecting' });
  const [attempt, setAttempt] = useState(0);
  const auth = useInternetIdentity(createAuthClient, config.ok);
  const { user } = auth;

  const retry = useCallback(() => {
    setConnection({ status: 'connecting' });
    setAttempt((count) => count + 1);
  }, []);

  useEffect(() => {
    if (!config.ok || user === undefined) {
      return undefined;
    }
    let current = true;
    setConnection({ status: 'connecting' });
    connect(config.config, user).then(
      (session) => current && setConnection({ status: 'connected', session }),
      (error: unknown) => current && setConnection({ status: 'failed', error: fromThrown(error) }),
    );
    return () => {
      current = false;
    };
  }, [config, connect, user, attempt]);

  const logIn = (): void => {
    if (config.ok) {
      // Resolved at the click: the II URL depends on where the page is served.
      auth.logIn(resolveIdentityProvider(window.location, config.config));
    }
  };

  const principal = connection.status === 'connected' ? connection.session.principal : undefined;
  return (
    <>
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-10 focus:rounded-lg focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:font-semibold focus:shadow dark:focus:bg-slate-900"
      >
        Skip to notes
      </a>
      <AppHeader
        principal={principal}
        pending={config.ok && connection.status === 'connecting'}
        account={
          config.ok
            ? {
                user: user?.kind,
                busy: auth.busy,
                onLogIn: logIn,
                onLogOut: auth.logOut,
              }
            : undefined
        }
      />
      <main id="main" className="mx-auto max-w-3xl space-y-6 px-4 py-8 sm:px-6">
        {auth.error === undefined ? null : (
          <ErrorBanner
            title="You are not logged in"
            message={describeLoginError(auth.error)}
            detail={detailOfLoginError(auth.error)}
            kind={`login-${auth.error.kind}`}
            onDismiss={auth.dismissError}
          />
        )}
        {!config.ok ? (
          <ErrorBanner title="This app is not configured" message={config.message} />
        ) : connection.status === 'failed' ? (
          <ErrorBanner
            title="Could not connect to the backend"
            error={connection.error}
            onRetry={retry}
          />
        ) : connection.status === 'connecting' ? (
          <NoteSkeletons count={2} />
        ) : (
          <NotesApiProvider api={connection.session.api}>
            {/* A new principal starts with fresh feeds, drafts and edits. */}
            <NotesBoard key={connection.session.principal} viewer={connection.session.principal} />
          </NotesApiProvider>
        )}
      </main>
    </>
  );
}
