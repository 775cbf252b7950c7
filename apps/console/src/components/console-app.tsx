'use client';

import { useCallback, useEffect, useState } from 'react';
import {
  readConsoleConfig,
  type ConsoleConfig,
  type ConsoleConfigResult,
} from '../lib/console-config';
import { fromThrown, type ConsoleError } from '../lib/console-error';
import { connectConsoleServices, type ConsoleServices } from '../lib/console-services';
import { ConsoleServicesProvider } from '../lib/console-services-context';
import { dappIdFromSearch, searchForDapp, type PageLocation } from '../lib/dapp-url';
import { AppHeader } from './app-header';
import { DappDetail } from './dapp-detail';
import { DappDirectory } from './dapp-directory';
import { ErrorBanner } from './error-banner';
import { SectionLoading } from './section-card';

/** Connects to the network with this build's settings; `ConsoleApp` takes another in tests. */
export type ConnectConsole = (config: ConsoleConfig) => Promise<ConsoleServices>;

/** What {@link ConsoleApp} runs with; all default to the real thing. */
export interface ConsoleAppProps {
  /** @default readConsoleConfig() — the settings the console was built with */
  readonly config?: ConsoleConfigResult;
  /** @default an anonymous agent on the page's origin (the gateway) */
  readonly connect?: ConnectConsole;
  /** @default SEARCH_DEBOUNCE_MS */
  readonly debounceMs?: number;
  /** @default VERIFY_REFRESH_MS */
  readonly refreshMs?: number;
}

type Connection =
  | { readonly status: 'connecting' }
  | { readonly status: 'connected'; readonly services: ConsoleServices }
  | { readonly status: 'failed'; readonly error: ConsoleError };

const connectFromPage: ConnectConsole = (config) =>
  connectConsoleServices({ config, host: window.location.origin });

/** The page's location, read in the browser only (nothing here runs while Next.js prerenders). */
function pageLocation(): PageLocation {
  const { protocol, hostname, port, search } = window.location;
  return { protocol, hostname, port, search };
}

/**
 * The whole console: connects to the network, then shows the list of dApps, or one dApp's
 * details when the page's query string names it (`?dapp=<frontend-id>`). Views change with
 * `history.pushState`, so Back and links in new tabs work as on any site.
 */
export function ConsoleApp({
  config: given,
  connect = connectFromPage,
  debounceMs,
  refreshMs,
}: ConsoleAppProps) {
  const [config] = useState(() => given ?? readConsoleConfig());
  const [connection, setConnection] = useState<Connection>({ status: 'connecting' });
  const [attempt, setAttempt] = useState(0);
  const [location, setLocation] = useState<PageLocation | undefined>(undefined);

  useEffect(() => {
    setLocation(pageLocation());
    const onPopState = (): void => setLocation(pageLocation());
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, []);

  useEffect(() => {
    if (!config.ok) {
      return undefined;
    }
    let current = true;
    setConnection({ status: 'connecting' });
    connect(config.config).then(
      (services) => current && setConnection({ status: 'connected', services }),
      (error: unknown) => current && setConnection({ status: 'failed', error: fromThrown(error) }),
    );
    return () => {
      current = false;
    };
  }, [config, connect, attempt]);

  const navigate = useCallback((frontend: string | undefined) => {
    window.history.pushState(null, '', searchForDapp(window.location.search, frontend));
    setLocation(pageLocation());
    window.scrollTo?.({ top: 0 });
  }, []);

  const retry = useCallback(() => setAttempt((count) => count + 1), []);
  const dapp = location === undefined ? undefined : dappIdFromSearch(location.search);

  return (
    <>
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-10 focus:rounded-lg focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:font-semibold focus:shadow dark:focus:bg-slate-900"
      >
        Skip to content
      </a>
      <AppHeader
        homeHref={location === undefined ? '/' : searchForDapp(location.search, undefined)}
        onHome={() => navigate(undefined)}
        network={config.ok ? config.config.network : undefined}
      />
      <main id="main" className="mx-auto max-w-5xl px-4 py-8 sm:px-6">
        {!config.ok ? (
          <ErrorBanner title="The console is not configured" message={config.message} />
        ) : connection.status === 'failed' ? (
          <ErrorBanner
            title="Could not connect to the network"
            error={connection.error}
            onRetry={retry}
          />
        ) : connection.status === 'connecting' || location === undefined ? (
          <SectionLoading label="Connecting to the network…" />
        ) : (
          <ConsoleServicesProvider services={connection.services}>
            {dapp === undefined ? null : (
              <nav aria-label="Breadcrumb" className="mb-6 text-sm">
                <a
                  href={searchForDapp(location.search, undefined)}
                  onClick={(event) => {
                    event.preventDefault();
                    navigate(undefined);
                  }}
                  className="font-medium text-indigo-700 hover:underline dark:text-indigo-300"
                >
                  ← All dApps
                </a>
              </nav>
            )}
            {dapp === undefined ? null : (
              <DappDetail key={dapp} frontend={dapp} location={location} refreshMs={refreshMs} />
            )}
            {/* Kept mounted behind the detail view, so Back finds the search and pages as left. */}
            <div hidden={dapp !== undefined}>
              <DappDirectory
                location={location}
                onOpenDetail={(frontend) => navigate(frontend)}
                debounceMs={debounceMs}
              />
            </div>
          </ConsoleServicesProvider>
        )}
      </main>
      <footer className="mx-auto max-w-5xl px-4 pb-10 text-xs text-slate-500 sm:px-6 dark:text-slate-400">
        Read-only and anonymous: the console only queries the network and checks its certificates.
      </footer>
    </>
  );
}
