/**
 * An anchor shown prominently: the number the user signs in with, in large tabular digits
 * (`data-testid="anchor-number"`, the decimal number and nothing else).
 */
export function AnchorBadge({ anchor, label }: { anchor: bigint; label: string }) {
  return (
    <div className="rounded-xl bg-violet-50 px-4 py-3 text-center dark:bg-violet-950/40">
      <p className="text-xs font-medium tracking-wide text-violet-800 uppercase dark:text-violet-300">
        {label}
      </p>
      <p
        data-testid="anchor-number"
        className="mt-1 font-mono text-3xl font-bold text-violet-900 tabular-nums dark:text-violet-100"
      >
        {anchor.toString()}
      </p>
    </div>
  );
}
