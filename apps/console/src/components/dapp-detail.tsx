'use client';

import { useCallback, useEffect, useRef } from 'react';
import { useConsoleServices } from '../lib/console-services-context';
import { dappUrlOf, type PageLocation } from '../lib/dapp-url';
import { AssetStatsPanel } from './asset-stats-panel';
import { CanisterPanel } from './canister-panel';
import { DappIcon } from './dapp-icon';
import { DappLink } from './dapp-link';
import { ErrorBanner } from './error-banner';
import { ReleaseHistory } from './release-history';
import { SectionCard, SectionLoading } from './section-card';
import { useConsoleResult } from './use-console-result';
import { VerificationStatus } from './verification-status';

/** What {@link DappDetail} shows. */
export interface DappDetailProps {
  readonly frontend: string;
  /** The page's location: the dApp's URL is built on its gateway. */
  readonly location: PageLocation;
  /** @default VERIFY_REFRESH_MS */
  readonly refreshMs?: number;
}

/**
 * One dApp, for a careful user: its URL (through the verifying gateway), the live
 * certificate check, each canister's certified module hash and controllers, and the frontend's
 * release history and assets. What the owner wrote in the directory is labelled as such.
 */
export function DappDetail({ frontend, location, refreshMs }: DappDetailProps) {
  const { directory } = useConsoleServices();
  const read = useCallback(() => directory.getListing(frontend), [directory, frontend]);
  const listing = useConsoleResult(read);
  const heading = useRef<HTMLHeadingElement>(null);
  const dappUrl = dappUrlOf(frontend, location);

  // Moving focus to the new view's heading tells screen-reader users the view changed.
  useEffect(() => {
    heading.current?.focus();
  }, [frontend, listing.status]);

  return (
    <article data-testid="dapp-detail" data-frontend-id={frontend} className="space-y-6">
      {listing.status === 'loading' ? (
        <SectionLoading label="Loading the listing…" />
      ) : listing.status === 'failed' ? (
        <>
          <h1 ref={heading} tabIndex={-1} className="text-2xl font-bold focus:outline-none">
            {listing.error.kind === 'not_found' ? 'dApp not listed' : 'Could not load the dApp'}
          </h1>
          <ErrorBanner
            title={
              listing.error.kind === 'not_found'
                ? 'The directory has no such dApp'
                : 'Could not load the listing'
            }
            error={listing.error}
            onRetry={listing.error.kind === 'not_found' ? undefined : listing.retry}
          />
        </>
      ) : (
        <header className="flex flex-col gap-4 sm:flex-row sm:items-start">
          <DappIcon
            name={listing.value.name}
            icon={listing.value.icon}
            dappUrl={dappUrl}
            size="lg"
          />
          <div className="min-w-0 flex-1 space-y-2">
            <h1
              ref={heading}
              tabIndex={-1}
              className="text-2xl font-bold break-words text-slate-900 focus:outline-none dark:text-white"
            >
              {listing.value.name}
            </h1>
            <p className="text-slate-600 dark:text-slate-300">
              {listing.value.description === '' ? 'No description.' : listing.value.description}
            </p>
            <p className="text-xs text-slate-500 dark:text-slate-400">
              Name, description and icon as the owner{' '}
              <code className="font-mono break-all" title={listing.value.owner}>
                {listing.value.owner}
              </code>{' '}
              listed them; the network does not vouch for them.
            </p>
          </div>
        </header>
      )}

      <SectionCard title="Open the dApp" source="Every response verified by the gateway">
        <DappLink url={dappUrl} />
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
          This address goes through the gateway, which checks each file against the network’s
          certificate before your browser sees it.
        </p>
      </SectionCard>

      <VerificationStatus canisterId={frontend} refreshMs={refreshMs} />

      <SectionCard title="Canisters" source="Certified by the network (read_state)">
        <ul className="space-y-3">
          <CanisterPanel label="Frontend (asset canister)" canisterId={frontend} />
          {listing.status === 'loaded'
            ? listing.value.backends.map((backend) => (
                <CanisterPanel
                  key={backend.id}
                  label={`Backend “${backend.name}”`}
                  canisterId={backend.id}
                />
              ))
            : null}
        </ul>
      </SectionCard>

      <div className="grid gap-6 lg:grid-cols-[2fr_1fr]">
        <ReleaseHistory
          frontend={frontend}
          listedReleaseId={listing.status === 'loaded' ? listing.value.lastRelease?.id : undefined}
        />
        <AssetStatsPanel frontend={frontend} />
      </div>
    </article>
  );
}
