import { describeNotesError, detailOfNotesError, type NotesError } from '../lib/notes-error';
import { buttonClass } from './button-styles';

/** What {@link ErrorBanner} shows: a backend error, or a message of the app's own. */
export interface ErrorBannerProps {
  /** A short headline, such as "Could not load notes". */
  readonly title: string;
  /** The error to explain; its message comes from `describeNotesError`. */
  readonly error?: NotesError;
  /** A message of the app's own, when there is no {@link NotesError}. */
  readonly message?: string;
  /** With `message`: its technical detail, and its kind for `data-error-kind`. */
  readonly detail?: string;
  readonly kind?: string;
  /** Shows a retry button that calls this. */
  readonly onRetry?: () => void;
  /** Shows a dismiss button that calls this. */
  readonly onDismiss?: () => void;
}

/**
 * An error announced to assistive technology (`role="alert"`), with an optional retry or
 * dismissal.
 */
export function ErrorBanner({
  title,
  error,
  message,
  detail: givenDetail,
  kind,
  onRetry,
  onDismiss,
}: ErrorBannerProps) {
  const text = error === undefined ? message : describeNotesError(error);
  const detail = error === undefined ? givenDetail : detailOfNotesError(error);
  return (
    <div
      role="alert"
      data-testid="error"
      data-error-kind={error?.kind ?? kind}
      className="rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-900 dark:border-rose-900/60 dark:bg-rose-950/40 dark:text-rose-100"
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
        {onDismiss === undefined ? null : (
          <button type="button" className={buttonClass('secondary')} onClick={onDismiss}>
            Dismiss
          </button>
        )}
      </div>
    </div>
  );
}
