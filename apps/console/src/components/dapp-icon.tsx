'use client';

import { useState } from 'react';
import { iconSrcOf } from '../lib/dapp-url';

/** What {@link DappIcon} shows. */
export interface DappIconProps {
  readonly name: string;
  /** The listing's icon (see `iconSrcOf` for what is accepted). */
  readonly icon: string | undefined;
  /** The dApp's URL, which a path icon is resolved against. */
  readonly dappUrl: string;
  /** @default 'md' */
  readonly size?: 'md' | 'lg';
}

/**
 * A dApp's icon, or its initial on a tile when it has none or the image does not load. The
 * image is decorative: the name is always next to it.
 */
export function DappIcon({ name, icon, dappUrl, size = 'md' }: DappIconProps) {
  const [failed, setFailed] = useState(false);
  const src = iconSrcOf(icon, dappUrl);
  const box = size === 'lg' ? 'h-16 w-16 rounded-2xl text-2xl' : 'h-12 w-12 rounded-xl text-lg';
  if (src === undefined || failed) {
    return (
      <span
        aria-hidden="true"
        className={`${box} flex shrink-0 items-center justify-center bg-indigo-100 font-bold text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300`}
      >
        {initialOf(name)}
      </span>
    );
  }
  return (
    // A plain <img>: a static export has no image optimizer, and the icon is on another origin.
    <img
      src={src}
      alt=""
      referrerPolicy="no-referrer"
      onError={() => setFailed(true)}
      className={`${box} shrink-0 bg-white object-cover ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700`}
    />
  );
}

function initialOf(name: string): string {
  return Array.from(name.trim())[0]?.toUpperCase() ?? '?';
}
