import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['source'] },
  // Vitest runs tests in its SSR environment, which resolves packages on its own.
  ssr: { resolve: { conditions: ['source'] } },
  // The Next.js apps' components: React's automatic JSX runtime, as Next.js compiles them.
  oxc: { jsx: { runtime: 'automatic' } },
  test: {
    include: [
      'infra/*/src/**/*.test.ts',
      'canisters/*/src/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'apps/web/src/**/*.test.{ts,tsx}',
      'apps/identity/src/**/*.test.{ts,tsx}',
      'apps/console/src/**/*.test.{ts,tsx}',
      'tools/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', './tools/plain-summary-reporter.ts'],
  },
});
