import type { DappListing } from '../lib/listing';
import { shortenPrincipal } from '../lib/principal-text';
import { DappIcon } from './dapp-icon';
import { DappLink, ViewLink } from './dapp-link';

/** What {@link DappCard} shows. */
export interface DappCardProps {
  readonly listing: DappListing;
  /** The dApp's URL on the page's gateway. */
  readonly dappUrl: string;
  /** The URL of the dApp's detail view. */
  readonly detailHref: string;
  /** Shows the detail view in place. */
  readonly onOpenDetail: () => void;
}

/** One listed dApp: icon, name (to its details), description, URL, and owner. */
export function DappCard({ listing, dappUrl, detailHref, onOpenDetail }: DappCardProps) {
  return (
    <article
      data-testid="dapp-card"
      data-frontend-id={listing.frontend}
      className="relative flex flex-col gap-4 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm transition-shadow hover:shadow-md dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex items-start gap-4">
        <DappIcon name={listing.name} icon={listing.icon} dappUrl={dappUrl} />
        <div className="min-w-0 flex-1">
          <h2 className="text-base font-semibold break-words text-slate-900 dark:text-white">
            <ViewLink
              href={detailHref}
              onNavigate={onOpenDetail}
              className="hover:text-indigo-700 hover:underline dark:hover:text-indigo-300"
            >
              {listing.name}
            </ViewLink>
          </h2>
          <p className="mt-1 line-clamp-3 text-sm break-words text-slate-600 dark:text-slate-300">
            {listing.description === '' ? 'No description.' : listing.description}
          </p>
        </div>
      </div>
      <div className="mt-auto space-y-2 border-t border-slate-100 pt-3 text-sm dark:border-slate-800">
        <DappLink url={dappUrl} />
        <p className="flex flex-wrap items-center justify-between gap-2 text-slate-500 dark:text-slate-400">
          <span>
            Owner{' '}
            <span className="font-mono" title={listing.owner} data-testid="owner">
              {shortenPrincipal(listing.owner)}
            </span>
          </span>
          <ViewLink
            href={detailHref}
            onNavigate={onOpenDetail}
            className="font-semibold text-indigo-700 hover:underline dark:text-indigo-300"
          >
            Verify<span className="sr-only"> {listing.name}</span> →
          </ViewLink>
        </p>
      </div>
    </article>
  );
}
