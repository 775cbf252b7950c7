'use client';

import { useCallback } from 'react';
import { useConsoleServices } from '../lib/console-services-context';
import { formatBytes, formatCount } from '../lib/format';
import { shortenPrincipal } from '../lib/principal-text';
import { nsToDate } from '../lib/time';
import { ErrorBanner } from './error-banner';
import { SectionCard, SectionLoading } from './section-card';
import { Timestamp } from './timestamp';
import { useConsoleResult } from './use-console-result';
import { useNow } from './use-now';

/** What {@link ReleaseHistory} shows. */
export interface ReleaseHistoryProps {
  /** The frontend asset canister. */
  readonly frontend: string;
  /** The release the directory listing names, to compare with the canister's own. */
  readonly listedReleaseId: bigint | undefined;
}

/** The frontend asset canister's releases, newest first, as the canister itself reports them. */
export function ReleaseHistory({ frontend, listedReleaseId }: ReleaseHistoryProps) {
  const services = useConsoleServices();
  const read = useCallback(() => services.listReleases(frontend), [services, frontend]);
  const releases = useConsoleResult(read);
  const nowMs = useNow();
  const current = releases.status === 'loaded' ? releases.value.find((r) => r.current) : undefined;
  return (
    <SectionCard
      title="Release history"
      source="From the asset canister (list_releases)"
      testId="release-history"
    >
      {releases.status === 'loading' ? (
        <SectionLoading label="Loading releases…" />
      ) : releases.status === 'failed' ? (
        <ErrorBanner
          title="Could not load the release history"
          error={releases.error}
          onRetry={releases.retry}
          compact
        />
      ) : releases.value.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          This canister has no releases yet.
        </p>
      ) : (
        <>
          {listedReleaseId !== undefined &&
          current !== undefined &&
          current.id !== listedReleaseId ? (
            <p
              data-testid="release-mismatch"
              className="mb-3 rounded-lg bg-amber-50 p-3 text-sm text-amber-900 dark:bg-amber-950/40 dark:text-amber-100"
            >
              The directory lists release #{String(listedReleaseId)}, but the canister’s current
              release is #{String(current.id)}.
            </p>
          ) : null}
          <ol className="divide-y divide-slate-100 dark:divide-slate-800">
            {releases.value.map((release) => (
              <li
                key={String(release.id)}
                data-testid="release"
                data-release-id={String(release.id)}
                className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 py-2.5 text-sm first:pt-0 last:pb-0"
              >
                <span className="flex items-baseline gap-2">
                  <span className="font-mono font-semibold text-slate-900 dark:text-white">
                    #{String(release.id)}
                  </span>
                  {release.current ? (
                    <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">
                      current
                    </span>
                  ) : null}
                  {release.rollbackOf === undefined ? null : (
                    <span className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-800 dark:bg-amber-950 dark:text-amber-200">
                      rollback to #{String(release.rollbackOf)}
                    </span>
                  )}
                </span>
                <span className="text-slate-600 dark:text-slate-300">
                  <Timestamp date={nsToDate(release.timeNs)} nowMs={nowMs} />
                </span>
                <span className="w-full text-xs text-slate-500 sm:w-auto dark:text-slate-400">
                  {formatCount(release.files, 'file')} · {formatBytes(release.bytes)} · by{' '}
                  <span className="font-mono" title={release.committer}>
                    {shortenPrincipal(release.committer)}
                  </span>
                </span>
              </li>
            ))}
          </ol>
        </>
      )}
    </SectionCard>
  );
}
