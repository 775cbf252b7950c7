'use client';

import { useEffect, useState } from 'react';
import { readIdentityConfig, type IdentityConfigResult } from '../lib/identity-config';
import { createBrowserServices, type IdentityServices } from '../lib/identity-services';
import { IdentityServicesProvider } from '../lib/identity-services-context';
import { AuthorizeFlow } from './authorize-flow';
import { ErrorBanner } from './error-banner';
import { ManageView } from './manage-view';
import { PageShell } from './page-shell';
import { StatusMessage } from './status-message';

/** Which view: signing in to a dApp (`#authorize`), or this browser's identities. */
export type IdentityMode = 'authorize' | 'manage';

/** What {@link IdentityApp} runs with; each defaults to the real thing. */
export interface IdentityAppProps {
  /** @default readIdentityConfig() — the settings the deploy built the page with */
  readonly config?: IdentityConfigResult;
  /** @default createBrowserServices(config) */
  readonly services?: IdentityServices;
  /** @default from the URL: `authorize` with `#authorize`, else `manage` */
  readonly mode?: IdentityMode;
}

interface Runtime {
  readonly services: IdentityServices;
  readonly mode: IdentityMode;
}

/**
 * The whole page. The view depends on the URL's fragment and the services on `window`, so
 * both are settled after the first render: the prerendered HTML shows a neutral status.
 */
export function IdentityApp({ config: given, services, mode }: IdentityAppProps) {
  const [config] = useState(() => given ?? readIdentityConfig());
  const [runtime, setRuntime] = useState<Runtime | undefined>(undefined);

  useEffect(() => {
    if (!config.ok) {
      return;
    }
    setRuntime({
      services: services ?? createBrowserServices(config.config),
      mode: mode ?? (window.location.hash === '#authorize' ? 'authorize' : 'manage'),
    });
  }, [config, services, mode]);

  return (
    <PageShell>
      {!config.ok ? (
        <ErrorBanner title="Internet Identity is not configured" message={config.message} />
      ) : runtime === undefined ? (
        <StatusMessage busy>Loading…</StatusMessage>
      ) : (
        <IdentityServicesProvider services={runtime.services}>
          {runtime.mode === 'authorize' ? <AuthorizeFlow /> : <ManageView />}
        </IdentityServicesProvider>
      )}
    </PageShell>
  );
}
