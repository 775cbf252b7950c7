'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConsoleError, ConsoleResult } from '../lib/console-error';

/** How often the certificate is read and verified again. */
export const VERIFY_REFRESH_MS = 30_000;

/** The live verification, as `data-state` names it. */
export type Verification =
  | { readonly state: 'checking' }
  | { readonly state: 'verified'; readonly signedAt: Date }
  | { readonly state: 'failed'; readonly error: ConsoleError };

/** What {@link useVerification} returns. */
export interface LiveVerification {
  readonly verification: Verification;
  /** A check is under way (the first, or a refresh behind the last outcome). */
  readonly busy: boolean;
  /** Checks now, and restarts the refresh timer. */
  readonly recheck: () => void;
}

/**
 * Verifies a fresh certificate about `canisterId` now and every `refreshMs` after the last
 * check ended. A refresh keeps showing the last outcome until its own arrives, so the status
 * does not flicker; a failed refresh replaces a verified one at once.
 */
export function useVerification(
  verify: (canisterId: string) => Promise<ConsoleResult<Date>>,
  canisterId: string,
  refreshMs: number = VERIFY_REFRESH_MS,
): LiveVerification {
  const [verification, setVerification] = useState<Verification>({ state: 'checking' });
  const [busy, setBusy] = useState(true);
  const [round, setRound] = useState(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    setVerification({ state: 'checking' });
  }, [canisterId]);

  useEffect(() => {
    let current = true;
    setBusy(true);
    void verify(canisterId).then((result) => {
      if (!current) {
        return;
      }
      setVerification(
        result.ok
          ? { state: 'verified', signedAt: result.value }
          : { state: 'failed', error: result.error },
      );
      setBusy(false);
      timer.current = setTimeout(() => setRound((count) => count + 1), refreshMs);
    });
    return () => {
      current = false;
      clearTimeout(timer.current);
    };
  }, [verify, canisterId, refreshMs, round]);

  const recheck = useCallback(() => setRound((count) => count + 1), []);
  return { verification, busy, recheck };
}
