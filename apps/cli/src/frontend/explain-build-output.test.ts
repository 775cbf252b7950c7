import { describe, expect, it } from 'vitest';
import { explainStaticExportFailure, staticExportWarnings } from './explain-build-output.js';
import { STANDALONE_REFUSAL } from './next-static-export.js';

// Lines as `next build` 16.5 prints them (captured from real builds of the fixture app with
// one unsupported feature added each).
const NEXT_LINES = {
  routeHandler:
    'Error: export const dynamic = "force-static"/export const revalidate not configured on route "/api/hello" with "output: export". See more info here: https://nextjs.org/docs/advanced-features/static-html-export',
  serverAction: '> Server Actions are not supported with static export.',
  missingParams:
    'Error: Page "/users/[id]" is missing "generateStaticParams()" so it cannot be used with "output: export" config. See more info here: https://nextjs.org/docs/messages/generate-static-params',
  cookies:
    'Error: Route /me with `dynamic = "error"` couldn\'t be rendered statically because it used `cookies()`. See more info here: https://nextjs.org/docs/app/building-your-application/rendering/static-and-dynamic#dynamic-rendering',
  standalone: `Error: ${STANDALONE_REFUSAL}, but next.config sets output: 'standalone' (a Node.js server, which a canister cannot run).`,
  images:
    "Error: Image Optimization using the default loader is not compatible with `{ output: 'export' }`.",
  isr: 'Error: ISR cannot be used with "output: export". See more info here: https://nextjs.org/docs/advanced-features/static-html-export',
  forceDynamic:
    'Error: export const dynamic = "force-dynamic" on page "/live" cannot be used with "output: export". See more info here: https://nextjs.org/docs/advanced-features/static-html-export',
  apiRoutes: 'API Routes cannot be used with "output: export". See more info here: …',
  i18n: 'Error: Specified "i18n" cannot be used with "output: export". See more info here: …',
};

const around = (line: string): string[] => [
  '▲ Next.js 16.5.0 (Turbopack)',
  '  Collecting page data using 1 worker ...',
  line,
  '    at /work/main/node_modules/next/dist/build/index.js:1579:63',
  '> Build error occurred',
];

describe('explainStaticExportFailure', () => {
  it.each([
    ['routeHandler', 'route-handler', '/api/hello', "export const dynamic = 'force-static'"],
    ['serverAction', 'server-action', undefined, 'backend canister'],
    ['missingParams', 'dynamic-route-without-static-params', '/users/[id]', 'generateStaticParams'],
    ['cookies', 'request-time-api', '/me', 'client component'],
    ['standalone', 'standalone-output', undefined, "output: 'export'"],
    ['images', 'image-optimization', undefined, 'unoptimized: true'],
    ['isr', 'isr', undefined, 'revalidate'],
    ['forceDynamic', 'force-dynamic', '/live', 'force-dynamic'],
    ['apiRoutes', 'api-route', undefined, 'backend canister'],
    ['i18n', 'i18n', undefined, 'generateStaticParams'],
  ] as const)('names %s as %s, with the route and what to change', (key, feature, route, hint) => {
    const failure = explainStaticExportFailure(around(NEXT_LINES[key]));
    expect(failure).toMatchObject({ feature, line: NEXT_LINES[key].trim() });
    expect(failure?.route).toBe(route);
    expect(failure?.explanation).toContain(hint);
    if (route !== undefined) {
      expect(failure?.explanation).toContain(route);
    }
  });

  it('leaves other build failures unexplained', () => {
    expect(
      explainStaticExportFailure([
        './app/page.tsx:3:7',
        "Type error: Type 'number' is not assignable to type 'string'.",
        'Next.js build worker exited with code: 1 and signal: null',
      ]),
    ).toBeUndefined();
    expect(explainStaticExportFailure([])).toBeUndefined();
  });
});

describe('staticExportWarnings', () => {
  it('warns that proxy / middleware will not run, once', () => {
    const warnings = staticExportWarnings([
      'Route (app)',
      '┌ ○ /',
      'ƒ Proxy (Middleware)',
      'ƒ Proxy (Middleware)',
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('proxy.ts');
  });

  it("warns that next.config's rewrites, redirects and headers do not apply, in both wordings", () => {
    expect(
      staticExportWarnings([
        '⚠ rewrites, redirects, and headers are not applied when exporting your application, detected (rewrites, headers). See more info here: https://nextjs.org/docs/messages/export-no-custom-routes',
      ]),
    ).toEqual([
      "next.config's rewrites, headers are not part of the static export and will not apply (set response headers in .ic-assets.json5 instead).",
    ]);
    expect(
      staticExportWarnings([
        '⚠ Specified "redirects" will not automatically work with "output: export". See more info here: …',
      ]),
    ).toEqual(["next.config's redirects are not part of the static export and will not apply."]);
  });

  it('has nothing to say about a clean build', () => {
    expect(
      staticExportWarnings(['✓ Compiled successfully in 3.9s', '├ ○ /docs/guides/setup']),
    ).toEqual([]);
  });
});
