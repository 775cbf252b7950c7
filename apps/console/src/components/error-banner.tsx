import {
  describeConsoleError,
  detailOfConsoleError,
  type ConsoleError,
} from '../lib/console-error';
import { buttonClass } from './button-styles';

/** What {@link ErrorBanner} shows: a read's error, or a message of the console's own. */
export interface ErrorBannerProps {
  /** A short headline, such as "Could not load the dApps". */
  readonly title: string;
  /** The error to explain; its message comes from `describeConsoleError`. */
  readonly error?: ConsoleError;
  /** A message of the console's own, when there is no {@link ConsoleError}. */
  readonly message?: string;
  /** Shows a retry button that calls this. */
  readonly onRetry?: () => void;
  /** A smaller banner, for one section of a page. */
  readonly compact?: boolean;
}

/** An error announced to assistive technology (`role="alert"`), with an optional retry. */
export function ErrorBanner({ title, error, message, onRetry, compact = false }: ErrorBannerProps) {
  const text = error === undefined ? message : describeConsoleError(error);
  const detail = error === undefined ? undefined : detailOfConsoleError(error);
  return (
    <div
      role="alert"
      data-testid="error"
      data-error-kind={error?.kind}
      className={`rounded-xl border border-rose-200 bg-rose-50 text-sm text-rose-900 dark:border-rose-900/60 dark:bg-rose-950/40 dark:text-rose-100 ${compact ? 'p-3' : 'p-4'}`}
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 flex-1">
          <p className="font-semibold">{title}</p>
          {text === undefined ? null : <p className="mt-1">{text}</p>}
          {detail === undefined ? null : (
            <details className="mt-2 text-rose-800/80 dark:text-rose-200/80">
              <summary className="cursor-pointer select-none">Technical details</summary>
              <p className="mt-1 font-mono text-xs break-words">{detail}</p>
            </details>
          )}
        </div>
        {onRetry === undefined ? null : (
          <button type="button" className={buttonClass('secondary')} onClick={onRetry}>
            Try again
          </button>
        )}
      </div>
    </div>
  );
}
