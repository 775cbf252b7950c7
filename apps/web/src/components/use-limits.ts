'use client';

import { useEffect, useState } from 'react';
import type { NoteLimits } from '../lib/note';
import type { NotesApi } from '../lib/notes-api';

/**
 * The canister's limits, undefined until they arrive. A failure leaves them unknown: the
 * forms still work (the canister checks anyway), and the feeds report the network problem.
 */
export function useLimits(api: NotesApi): NoteLimits | undefined {
  const [limits, setLimits] = useState<NoteLimits | undefined>(undefined);
  useEffect(() => {
    let current = true;
    void api.limits().then((result) => {
      if (current && result.ok) {
        setLimits(result.value);
      }
    });
    return () => {
      current = false;
    };
  }, [api]);
  return limits;
}
