// The static-export preset that Next apps hosted by Citadel share: `citadel deploy` applies it
// to any Next.js app through its adapter (see docs/frontends.md); this is the same preset
// written into a config, for an app that wants the export without citadel deploy.
import type { NextConfig } from 'next';
import { citadelStaticExport } from '@citadel/cli/next-preset';

const nextConfig: NextConfig = citadelStaticExport<NextConfig>({});

export default nextConfig;
