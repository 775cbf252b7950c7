'use client';

import { useEffect, useRef, useState } from 'react';

/** How long "Copied" stays before the button reads "Copy" again. */
const COPIED_MS = 2_000;

/**
 * The user's principal with a copy button. The text is the whole principal, cut short on
 * screen by CSS (an ellipsis at the end). Where the clipboard is refused (a
 * `Permissions-Policy` may forbid `clipboard-write`), the whole principal is shown selected
 * so it can be copied by hand.
 */
export function PrincipalBadge({ principal }: { principal: string | undefined }) {
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  const manualRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (copy === 'copied') {
      const timer = setTimeout(() => setCopy('idle'), COPIED_MS);
      return () => clearTimeout(timer);
    }
    if (copy === 'failed') {
      manualRef.current?.focus();
      manualRef.current?.select();
    }
    return undefined;
  }, [copy]);

  if (principal === undefined) {
    return (
      <span
        aria-hidden="true"
        className="h-8 w-44 animate-pulse rounded-full bg-slate-200 dark:bg-slate-700"
      />
    );
  }

  async function copyPrincipal(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      setCopy('copied');
    } catch {
      setCopy('failed');
    }
  }

  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex items-center gap-1 rounded-full bg-slate-100 py-1 pr-1 pl-3 text-sm dark:bg-slate-800">
        <span className="text-slate-500 dark:text-slate-400">Principal</span>
        <code
          data-testid="principal"
          data-principal={principal}
          title={principal}
          aria-label={`Your principal: ${principal}`}
          className="block max-w-[7.5rem] truncate font-mono text-slate-900 sm:max-w-[11rem] dark:text-slate-100"
        >
          {principal}
        </code>
        <button
          type="button"
          aria-label="Copy principal"
          onClick={() => void copyPrincipal(principal)}
          className="rounded-full px-2.5 py-1 text-xs font-semibold text-indigo-700 hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 dark:text-indigo-300 dark:hover:bg-slate-700"
        >
          {copy === 'copied' ? 'Copied' : 'Copy'}
        </button>
      </div>
      <span role="status" className="sr-only">
        {copy === 'copied' ? 'Principal copied to the clipboard' : ''}
      </span>
      {copy === 'failed' ? (
        <label className="flex items-center gap-2 text-xs text-slate-600 dark:text-slate-300">
          Copy it by hand:
          <input
            ref={manualRef}
            readOnly
            value={principal}
            className="w-72 rounded border border-slate-300 bg-white px-2 py-1 font-mono dark:border-slate-600 dark:bg-slate-900"
          />
        </label>
      ) : null}
    </div>
  );
}
