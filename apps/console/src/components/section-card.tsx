import type { ReactNode } from 'react';

/** What {@link SectionCard} shows. */
export interface SectionCardProps {
  readonly title: string;
  /** Who vouches for what the section shows, such as "Certified by the network". */
  readonly source?: string;
  readonly testId?: string;
  readonly children: ReactNode;
}

/** A titled card for one part of a dApp's details, with where its data comes from. */
export function SectionCard({ title, source, testId, children }: SectionCardProps) {
  const id = `section-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section
      aria-labelledby={id}
      data-testid={testId}
      className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="mb-4 flex flex-wrap items-baseline justify-between gap-2">
        <h2 id={id} className="font-semibold text-slate-900 dark:text-white">
          {title}
        </h2>
        {source === undefined ? null : (
          <p className="text-xs text-slate-500 dark:text-slate-400">{source}</p>
        )}
      </div>
      {children}
    </section>
  );
}

/** A muted line while a section loads. */
export function SectionLoading({ label }: { label: string }) {
  return (
    <p className="animate-pulse text-sm text-slate-500 motion-reduce:animate-none dark:text-slate-400">
      {label}
    </p>
  );
}
