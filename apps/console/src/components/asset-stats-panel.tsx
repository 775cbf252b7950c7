'use client';

import { useCallback } from 'react';
import { useConsoleServices } from '../lib/console-services-context';
import { formatBytes, formatCount } from '../lib/format';
import { ErrorBanner } from './error-banner';
import { SectionCard, SectionLoading } from './section-card';
import { useConsoleResult } from './use-console-result';

/** How many files the frontend asset canister serves, and their total size. */
export function AssetStatsPanel({ frontend }: { frontend: string }) {
  const services = useConsoleServices();
  const read = useCallback(() => services.readAssetStats(frontend), [services, frontend]);
  const stats = useConsoleResult(read);
  return (
    <SectionCard title="Assets" source="From the asset canister" testId="asset-stats">
      {stats.status === 'loading' ? (
        <SectionLoading label="Counting assets…" />
      ) : stats.status === 'failed' ? (
        <ErrorBanner
          title="Could not count the assets"
          error={stats.error}
          onRetry={stats.retry}
          compact
        />
      ) : (
        <>
          <dl className="grid grid-cols-2 gap-4">
            <div>
              <dt className="text-xs text-slate-500 dark:text-slate-400">Files</dt>
              <dd
                data-testid="asset-count"
                data-value={String(stats.value.files)}
                className="text-2xl font-semibold text-slate-900 dark:text-white"
              >
                {formatCount(stats.value.files, 'file')}
              </dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500 dark:text-slate-400">Total size</dt>
              <dd
                data-testid="asset-bytes"
                data-value={String(stats.value.bytes)}
                title={`${String(stats.value.bytes)} bytes`}
                className="text-2xl font-semibold text-slate-900 dark:text-white"
              >
                {formatBytes(stats.value.bytes)}
              </dd>
            </div>
          </dl>
          <p className="mt-3 text-xs text-slate-500 dark:text-slate-400">
            Uncompressed sizes,{' '}
            {stats.value.source === 'release'
              ? 'as the current release recorded them.'
              : 'summed over the canister’s asset list.'}
          </p>
        </>
      )}
    </SectionCard>
  );
}
