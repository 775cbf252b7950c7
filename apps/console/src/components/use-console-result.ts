'use client';

import { useCallback, useEffect, useState } from 'react';
import type { ConsoleError, ConsoleResult } from '../lib/console-error';

/** A read as a component sees it. */
export type ResultState<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'loaded'; readonly value: T }
  | { readonly status: 'failed'; readonly error: ConsoleError };

/**
 * The result of `read()`, read again when `read` changes (memoize it on its inputs) or on
 * `retry`; the answer of a read that was replaced meanwhile is dropped.
 */
export function useConsoleResult<T>(
  read: () => Promise<ConsoleResult<T>>,
): ResultState<T> & { readonly retry: () => void } {
  const [state, setState] = useState<ResultState<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    void read().then((result) => {
      if (current) {
        setState(
          result.ok
            ? { status: 'loaded', value: result.value }
            : { status: 'failed', error: result.error },
        );
      }
    });
    return () => {
      current = false;
    };
  }, [read, attempt]);
  const retry = useCallback(() => setAttempt((count) => count + 1), []);
  return { ...state, retry };
}
