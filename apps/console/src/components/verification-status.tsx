'use client';

import { describeConsoleError, detailOfConsoleError } from '../lib/console-error';
import { useConsoleServices } from '../lib/console-services-context';
import { buttonClass } from './button-styles';
import { Timestamp } from './timestamp';
import { useNow } from './use-now';
import { useVerification, VERIFY_REFRESH_MS } from './use-verification';

/** What {@link VerificationStatus} checks. */
export interface VerificationStatusProps {
  /** The canister whose certified state is read (the dApp's frontend). */
  readonly canisterId: string;
  /** @default VERIFY_REFRESH_MS */
  readonly refreshMs?: number;
}

/**
 * The live verification status: a certificate about the canister, freshly read through the
 * agent and verified against the network's root key, and when the network signed it. Checked
 * again every ~30 s; announced politely to assistive technology when it changes.
 */
export function VerificationStatus({
  canisterId,
  refreshMs = VERIFY_REFRESH_MS,
}: VerificationStatusProps) {
  const services = useConsoleServices();
  const { verification, busy, recheck } = useVerification(
    services.verifyCertificate,
    canisterId,
    refreshMs,
  );
  const nowMs = useNow();
  const tone =
    verification.state === 'verified'
      ? 'border-emerald-200 bg-emerald-50 text-emerald-950 dark:border-emerald-900/60 dark:bg-emerald-950/40 dark:text-emerald-50'
      : verification.state === 'failed'
        ? 'border-rose-200 bg-rose-50 text-rose-950 dark:border-rose-900/60 dark:bg-rose-950/40 dark:text-rose-50'
        : 'border-slate-200 bg-white text-slate-900 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-100';
  return (
    <section
      data-testid="verification-status"
      data-state={verification.state}
      aria-labelledby="verification-title"
      aria-busy={busy}
      className={`rounded-2xl border p-5 ${tone}`}
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="flex min-w-0 flex-1 items-start gap-3">
          <StateIcon state={verification.state} />
          <div role="status" aria-live="polite" className="min-w-0">
            <h2 id="verification-title" className="font-semibold">
              {verification.state === 'verified'
                ? 'Certificate verified'
                : verification.state === 'failed'
                  ? 'Verification failed'
                  : 'Verifying the certificate…'}
            </h2>
            {verification.state === 'verified' ? (
              <p className="mt-1 text-sm">
                The agent verified the network’s signature on a certificate about this canister
                against the network’s root key. Signed at{' '}
                <span data-testid="signed-at" className="font-medium">
                  <Timestamp date={verification.signedAt} nowMs={nowMs} seconds />
                </span>
                .
              </p>
            ) : verification.state === 'failed' ? (
              <>
                <p className="mt-1 text-sm">
                  {describeConsoleError(verification.error)} Do not trust what this page shows about
                  the dApp until verification succeeds.
                </p>
                {detailOfConsoleError(verification.error) === undefined ? null : (
                  <details className="mt-2 text-sm opacity-80">
                    <summary className="cursor-pointer select-none">Technical details</summary>
                    <p className="mt-1 font-mono text-xs break-words">
                      {detailOfConsoleError(verification.error)}
                    </p>
                  </details>
                )}
              </>
            ) : (
              <p className="mt-1 text-sm">Reading a certificate from the network…</p>
            )}
          </div>
        </div>
        <button
          type="button"
          className={buttonClass('secondary')}
          onClick={recheck}
          disabled={busy}
        >
          {busy && verification.state !== 'checking' ? 'Checking…' : 'Check now'}
        </button>
      </div>
      <p className="mt-3 text-xs opacity-70">
        Checked again every {Math.round(refreshMs / 1000)} seconds.
      </p>
    </section>
  );
}

function StateIcon({ state }: { state: 'checking' | 'verified' | 'failed' }) {
  if (state === 'checking') {
    return (
      <span
        aria-hidden="true"
        className="mt-0.5 h-5 w-5 shrink-0 animate-spin rounded-full border-2 border-slate-300 border-t-indigo-600 motion-reduce:animate-none"
      />
    );
  }
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 20 20"
      className={`mt-0.5 h-5 w-5 shrink-0 ${state === 'verified' ? 'fill-emerald-600 dark:fill-emerald-400' : 'fill-rose-600 dark:fill-rose-400'}`}
    >
      {state === 'verified' ? (
        <path d="M10 1.5 3 4v5.5c0 4.1 2.9 7.9 7 9 4.1-1.1 7-4.9 7-9V4l-7-2.5Zm-1.2 12.2L5.5 10.4l1.1-1.1 2.2 2.2 4.6-4.6 1.1 1.1-5.7 5.7Z" />
      ) : (
        <path d="M10 1.5 3 4v5.5c0 4.1 2.9 7.9 7 9 4.1-1.1 7-4.9 7-9V4l-7-2.5Zm-.8 4h1.6v5.5H9.2V5.5Zm0 7h1.6v1.6H9.2v-1.6Z" />
      )}
    </svg>
  );
}
