// The console is a static export (an asset canister serves it at the gateway's root): the
// shared preset sets that up, so `next build` alone exports to out/.
import type { NextConfig } from 'next';
import { citadelStaticExport } from '@citadel/cli/next-preset';

const nextConfig: NextConfig = citadelStaticExport<NextConfig>({
  reactStrictMode: true,
  // Only NEXT_PUBLIC_* variables reach the browser by themselves; the network's name decides
  // whether the agent fetches the root key (everywhere but mainnet, `ic`).
  env: { CITADEL_NETWORK: process.env.CITADEL_NETWORK ?? '' },
});

export default nextConfig;
