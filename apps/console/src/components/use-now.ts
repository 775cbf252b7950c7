'use client';

import { useEffect, useState } from 'react';

/** How often relative times are refreshed. */
const REFRESH_MS = 30_000;

/** The current time in milliseconds, refreshed every 30 s so relative times stay right. */
export function useNow(): number {
  const [nowMs, setNowMs] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNowMs(Date.now()), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  return nowMs;
}
