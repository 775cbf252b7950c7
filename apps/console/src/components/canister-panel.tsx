'use client';

import { useCallback } from 'react';
import { useConsoleServices } from '../lib/console-services-context';
import { ErrorBanner } from './error-banner';
import { SectionLoading } from './section-card';
import { Timestamp } from './timestamp';
import { useConsoleResult } from './use-console-result';
import { useNow } from './use-now';

/** What {@link CanisterPanel} shows. */
export interface CanisterPanelProps {
  /** What the canister is to the dApp: "Frontend (assets)", or a backend's name. */
  readonly label: string;
  readonly canisterId: string;
}

/**
 * One canister of a dApp: its id, and the module hash and controllers the network certifies
 * for it (a verified `read_state`), so a user can compare the hash with a reproducible build
 * and see who can change the code.
 */
export function CanisterPanel({ label, canisterId }: CanisterPanelProps) {
  const services = useConsoleServices();
  const read = useCallback(() => services.readCanisterStatus(canisterId), [services, canisterId]);
  const status = useConsoleResult(read);
  const nowMs = useNow();
  return (
    <li
      data-testid="canister"
      data-canister-id={canisterId}
      className="space-y-3 rounded-xl border border-slate-200 p-4 dark:border-slate-800"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 className="font-medium text-slate-900 dark:text-white">{label}</h3>
        <code className="font-mono text-sm break-all text-slate-700 dark:text-slate-300">
          {canisterId}
        </code>
      </div>
      {status.status === 'loading' ? (
        <SectionLoading label="Reading the certified state…" />
      ) : status.status === 'failed' ? (
        <ErrorBanner
          title="Could not read this canister’s certified state"
          error={status.error}
          onRetry={status.retry}
          compact
        />
      ) : (
        <>
          {status.value.moduleHash === undefined && status.value.controllers === undefined ? (
            <p
              data-testid="canister-missing"
              className="rounded-lg bg-amber-50 p-3 text-sm text-amber-900 dark:bg-amber-950/40 dark:text-amber-100"
            >
              The certificate holds no state for this canister: it does not exist on this network.
            </p>
          ) : null}
          <dl className="grid gap-3 text-sm sm:grid-cols-[9rem_1fr]">
            <dt className="text-slate-500 dark:text-slate-400">Module hash</dt>
            <dd>
              {status.value.moduleHash === undefined ? (
                <span data-testid="module-hash" data-canister-id={canisterId} data-empty="true">
                  No module installed
                </span>
              ) : (
                <code
                  data-testid="module-hash"
                  data-canister-id={canisterId}
                  className="font-mono text-xs break-all text-slate-900 dark:text-slate-100"
                >
                  {status.value.moduleHash}
                </code>
              )}
            </dd>
            <dt className="text-slate-500 dark:text-slate-400">Controllers</dt>
            <dd>
              <ul data-testid="controllers" data-canister-id={canisterId} className="space-y-1">
                {status.value.controllers === undefined ? (
                  <li>Not in the certificate</li>
                ) : status.value.controllers.length === 0 ? (
                  <li>None: nobody can change this canister’s code</li>
                ) : (
                  status.value.controllers.map((controller) => (
                    <li key={controller}>
                      <code className="font-mono text-xs break-all">{controller}</code>
                    </li>
                  ))
                )}
              </ul>
            </dd>
            <dt className="text-slate-500 dark:text-slate-400">Certified</dt>
            <dd>
              <Timestamp date={status.value.certifiedAt} nowMs={nowMs} seconds />
            </dd>
          </dl>
        </>
      )}
    </li>
  );
}
