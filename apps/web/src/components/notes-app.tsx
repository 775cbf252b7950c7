'use client';

import { useCallback, useEffect, useState } from 'react';
import { readAppConfig, type AppConfig, type AppConfigResult } from '../lib/app-config';
import { createBackendSession, type BackendSession } from '../lib/backend-session';
import { getIdentity } from '../lib/identity';
import { NotesApiProvider } from '../lib/notes-api-context';
import { fromThrown, type NotesError } from '../lib/notes-error';
import { AppHeader } from './app-header';
import { ErrorBanner } from './error-banner';
import { NoteSkeletons } from './note-skeleton';
import { NotesBoard } from './notes-board';

/** Connects to the backend with this build's settings; `NotesApp` takes another in tests. */
export type ConnectBackend = (config: AppConfig) => Promise<BackendSession>;

/** What {@link NotesApp} runs with; both default to the real thing. */
export interface NotesAppProps {
  /** @default readAppConfig() — the settings `citadel deploy` built the app with */
  readonly config?: AppConfigResult;
  /** @default this browser's identity, and an agent on the page's gateway */
  readonly connect?: ConnectBackend;
}

type Connection =
  | { readonly status: 'connecting' }
  | { readonly status: 'connected'; readonly session: BackendSession }
  | { readonly status: 'failed'; readonly error: NotesError };

const connectToBackend: ConnectBackend = async (config) =>
  createBackendSession({ config, identity: await getIdentity(), location: window.location });

/** The whole app: header, then the notes once connected (or why it cannot connect). */
export function NotesApp({ config: given, connect = connectToBackend }: NotesAppProps) {
  const [config] = useState(() => given ?? readAppConfig());
  const [connection, setConnection] = useState<Connection>({ status: 'connecting' });
  const [attempt, setAttempt] = useState(0);

  const retry = useCallback(() => {
    setConnection({ status: 'connecting' });
    setAttempt((count) => count + 1);
  }, []);

  useEffect(() => {
    if (!config.ok) {
      return undefined;
    }
    let current = true;
    connect(config.config).then(
      (session) => current && setConnection({ status: 'connected', session }),
      (error: unknown) => current && setConnection({ status: 'failed', error: fromThrown(error) }),
    );
    return () => {
      current = false;
    };
  }, [config, connect, attempt]);

  const principal = connection.status === 'connected' ? connection.session.principal : undefined;
  return (
    <>
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-10 focus:rounded-lg focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:font-semibold focus:shadow dark:focus:bg-slate-900"
      >
        Skip to notes
      </a>
      <AppHeader principal={principal} pending={config.ok && connection.status === 'connecting'} />
      <main id="main" className="mx-auto max-w-3xl px-4 py-8 sm:px-6">
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
            <NotesBoard viewer={connection.session.principal} />
          </NotesApiProvider>
        )}
      </main>
    </>
  );
}
