import {
  describeIdentityProblem,
  detailOfIdentityProblem,
  type IdentityProblem,
} from '../lib/identity-error';
import { buttonClass } from './button-styles';

/** What {@link ErrorBanner} shows: a problem of a flow, or a message of the page's own. */
export interface ErrorBannerProps {
  /** A short headline, such as "Could not sign in". */
  readonly title: string;
  /** The problem to explain; its message comes from `describeIdentityProblem`. */
  readonly problem?: IdentityProblem;
  /** A message of the page's own, when there is no {@link IdentityProblem}. */
  readonly message?: string;
  /** Shows a retry button that calls this. */
  readonly onRetry?: () => void;
}

/** An error announced to assistive technology (`role="alert"`), with an optional retry. */
export function ErrorBanner({ title, problem, message, onRetry }: ErrorBannerProps) {
  const text = problem === undefined ? message : describeIdentityProblem(problem);
  const detail = problem === undefined ? undefined : detailOfIdentityProblem(problem);
  return (
    <div
      role="alert"
      data-testid="error"
      data-error-kind={problem?.kind}
      className="rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-900 dark:border-rose-900/60 dark:bg-rose-950/40 dark:text-rose-100"
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 flex-1">
          <p className="font-semibold">{title}</p>
          {text === undefined ? null : <p className="mt-1 break-words">{text}</p>}
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
