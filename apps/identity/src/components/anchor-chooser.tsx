'use client';

import { useId, useState, type FormEvent } from 'react';
import { describeAnchorProblem, parseAnchorNumber } from '../lib/anchor-number';
import { buttonClass } from './button-styles';

/** What {@link AnchorChooser} takes. */
export interface AnchorChooserProps {
  /** The anchors this browser signed in with, most recent first: one button each. */
  readonly rememberedAnchors: readonly bigint[];
  /** Disables every action, while one runs. */
  readonly busy: boolean;
  /** Signs in `anchor` with a passkey. */
  readonly onSignIn: (anchor: bigint) => void;
  /** Creates a passkey and a new anchor. */
  readonly onCreate: () => void;
}

/**
 * The two ways in: continue with a passkey of an existing identity (a remembered one, or a
 * number typed in), or create a passkey and get a new identity.
 */
export function AnchorChooser({ rememberedAnchors, busy, onSignIn, onCreate }: AnchorChooserProps) {
  const inputId = useId();
  const problemId = useId();
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<string | undefined>(undefined);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = parseAnchorNumber(typed);
    if (!parsed.ok) {
      setProblem(describeAnchorProblem(parsed.problem));
      return;
    }
    setProblem(undefined);
    onSignIn(parsed.anchor);
  };

  return (
    <div className="space-y-6">
      <section aria-labelledby={`${inputId}-heading`} className="space-y-3">
        <h2 id={`${inputId}-heading`} className="text-base font-semibold">
          Continue with passkey
        </h2>
        {rememberedAnchors.length === 0 ? null : (
          <ul className="space-y-2" aria-label="Identities used on this device">
            {rememberedAnchors.map((anchor) => (
              <li key={anchor.toString()}>
                <button
                  type="button"
                  data-testid="remembered-anchor"
                  data-anchor-number={anchor.toString()}
                  disabled={busy}
                  onClick={() => onSignIn(anchor)}
                  className={`${buttonClass('secondary')} w-full`}
                >
                  <span>
                    Identity <span className="font-mono tabular-nums">{anchor.toString()}</span>
                  </span>
                  <span aria-hidden="true">→</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        <form onSubmit={submit} noValidate className="space-y-2">
          <label htmlFor={inputId} className="block text-sm font-medium">
            {rememberedAnchors.length === 0 ? 'Identity number' : 'Another identity number'}
          </label>
          <div className="flex gap-2">
            <input
              id={inputId}
              data-testid="anchor-input"
              inputMode="numeric"
              autoComplete="off"
              spellCheck={false}
              placeholder="10000"
              value={typed}
              disabled={busy}
              aria-invalid={problem !== undefined}
              aria-describedby={problem === undefined ? undefined : problemId}
              onChange={(event) => setTyped(event.target.value)}
              className="min-w-0 flex-1 rounded-lg border border-slate-300 bg-white px-3 py-2 font-mono text-sm tabular-nums shadow-sm aria-invalid:border-rose-500 dark:border-slate-600 dark:bg-slate-950"
            />
            <button
              type="submit"
              data-testid="continue-passkey"
              disabled={busy}
              className={buttonClass('primary')}
            >
              Continue with passkey
            </button>
          </div>
          {problem === undefined ? null : (
            <p id={problemId} className="text-sm text-rose-700 dark:text-rose-300">
              {problem}
            </p>
          )}
        </form>
      </section>
      <div className="flex items-center gap-3 text-xs text-slate-400 uppercase" aria-hidden="true">
        <span className="h-px flex-1 bg-slate-200 dark:bg-slate-700" />
        or
        <span className="h-px flex-1 bg-slate-200 dark:bg-slate-700" />
      </div>
      <section className="space-y-3">
        <h2 className="text-base font-semibold">New here?</h2>
        <p className="text-sm text-slate-600 dark:text-slate-300">
          Create a passkey on this device. You get a new identity number to sign in with.
        </p>
        <button
          type="button"
          data-testid="create-passkey"
          disabled={busy}
          onClick={onCreate}
          className={`${buttonClass('secondary')} w-full`}
        >
          Create a passkey
        </button>
      </section>
    </div>
  );
}
