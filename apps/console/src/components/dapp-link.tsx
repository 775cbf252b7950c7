/** Links of the console's own views, which change the view without loading the page again. */
import type { MouseEvent, ReactNode } from 'react';

/** What {@link ViewLink} takes. */
export interface ViewLinkProps {
  /** The view's real URL (`?dapp=<id>` or the list), so it opens in a new tab too. */
  readonly href: string;
  /** Shows the view in place, for a plain click. */
  readonly onNavigate: () => void;
  readonly className?: string;
  readonly children: ReactNode;
}

/** A link to one of the console's views: a plain click navigates in place. */
export function ViewLink({ href, onNavigate, className, children }: ViewLinkProps) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>): void => {
    // A modified or middle click keeps the browser's meaning: a new tab or window.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    onNavigate();
  };
  return (
    <a href={href} onClick={onClick} className={className}>
      {children}
    </a>
  );
}

/** A link to a dApp's own URL, through the verifying gateway. */
export function DappLink({ url, children }: { url: string; children?: ReactNode }) {
  return (
    <a
      href={url}
      data-testid="dapp-link"
      className="inline-flex max-w-full items-center gap-1 font-mono text-sm break-all text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
    >
      {children ?? url}
    </a>
  );
}
