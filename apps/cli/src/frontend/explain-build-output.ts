import { STANDALONE_REFUSAL } from './next-static-export.js';

/**
 * Reads `next build`'s output for what a static export cannot do. Next.js words these
 * failures itself; this names the feature and says what to change, for the error and the
 * warnings `citadel deploy` prints.
 */

/** A Next.js feature that needs a server, so a static export cannot have it. */
export type UnsupportedFeature =
  | 'standalone-output'
  | 'route-handler'
  | 'api-route'
  | 'server-action'
  | 'middleware'
  | 'isr'
  | 'request-time-api'
  | 'force-dynamic'
  | 'dynamic-route-without-static-params'
  | 'server-side-props'
  | 'image-optimization'
  | 'i18n'
  | 'intercepting-route'
  | 'cache-components';

/** Why a static export failed. */
export interface StaticExportFailure {
  readonly feature: UnsupportedFeature;
  /** The route Next.js named, when it named one. */
  readonly route?: string;
  /** Next.js's own line. */
  readonly line: string;
  /** What the problem is and what to change, in one or two sentences. */
  readonly explanation: string;
}

interface FailurePattern {
  readonly feature: UnsupportedFeature;
  readonly pattern: RegExp;
  /** Builds the explanation from the match (group 1 is the route when there is one). */
  readonly explain: (route: string | undefined) => string;
}

const onRoute = (route: string | undefined): string => (route === undefined ? '' : ` (${route})`);

/** Checked in order; the first that matches a line of the output wins. */
const FAILURE_PATTERNS: readonly FailurePattern[] = [
  {
    feature: 'standalone-output',
    pattern: new RegExp(escapeRegExp(STANDALONE_REFUSAL)),
    explain: () =>
      'next.config sets output: \'standalone\', a Node.js server. Remove "output" from ' +
      "next.config (citadel deploy exports the app itself) or set output: 'export'.",
  },
  {
    feature: 'route-handler',
    pattern: /not configured on route "([^"]+)" with "output: export"/,
    explain: (route) =>
      `The route handler${onRoute(route)} would answer requests on a server. A GET handler ` +
      'that returns the same response every time can be exported: add `export const dynamic = ' +
      "'force-static'` to its route.ts; anything else belongs in a backend canister.",
  },
  {
    feature: 'api-route',
    pattern: /API Routes cannot be used with "output: export"/,
    explain: () =>
      'pages/api routes run on a server. Move them to a backend canister and call it from the page.',
  },
  {
    feature: 'server-action',
    pattern: /Server Actions are not supported with static export/,
    explain: () =>
      'Server actions ("use server" functions) run on a server. Call a backend canister from ' +
      'the client instead.',
  },
  {
    feature: 'middleware',
    pattern: /(?:Middleware|Proxy) cannot be used with "output: export"/,
    explain: () =>
      'middleware.ts / proxy.ts runs on a server before each request. Remove it; response ' +
      'headers can be set per file in .ic-assets.json5.',
  },
  {
    feature: 'isr',
    pattern: /ISR cannot be used with "output: export"|fallback: (?:blocking|true)" cannot be used/,
    explain: () =>
      'Incremental static regeneration renders pages again on a server. Every page is built ' +
      'once, at deploy time: drop `revalidate` / `fallback`, and deploy again to update pages.',
  },
  {
    feature: 'request-time-api',
    pattern:
      /Route (\S+) (?:with `dynamic = "error"` )?couldn't be rendered statically because it used/,
    explain: (route) =>
      `The page${onRoute(route)} reads the request (cookies(), headers(), searchParams or ` +
      'connection()), which only exists on a server. Read it in a client component ("use ' +
      'client") instead, or drop it.',
  },
  {
    feature: 'force-dynamic',
    pattern:
      /dynamic = "force-dynamic"`? (?:on page "([^"]+)" cannot be used|couldn't be exported)/,
    explain: (route) =>
      `The page${onRoute(route)} sets dynamic = 'force-dynamic', rendering on every request. ` +
      'Remove it so the page is rendered at build time.',
  },
  {
    feature: 'dynamic-route-without-static-params',
    pattern:
      /Page "([^"]+)" (?:is missing (?:exported function )?"generateStaticParams\(\)"|is missing param|returned (?:an empty array|incomplete params) from "generateStaticParams\(\)")|"dynamicParams: true" cannot be used/,
    explain: (route) =>
      `The dynamic route${onRoute(route)} has no list of its pages. Export ` +
      'generateStaticParams() from it, returning every parameter value to build (at least ' +
      'one), and do not set dynamicParams = true.',
  },
  {
    feature: 'server-side-props',
    pattern: /getServerSideProps cannot be used with "output: export"/,
    explain: () =>
      'getServerSideProps renders on a server for each request. Use getStaticProps, or fetch ' +
      'the data on the client.',
  },
  {
    feature: 'image-optimization',
    pattern: /Image Optimization using the default loader is not compatible/,
    explain: () =>
      "next.config sets output: 'export' but keeps the default image loader, which resizes " +
      'on a server. Add images: { unoptimized: true } (or a loader of your own), or remove ' +
      '"output" and let citadel deploy set both.',
  },
  {
    feature: 'i18n',
    pattern: /Specified "i18n" cannot be used with "output: export"/,
    explain: () =>
      "next.config's i18n routing needs a server. Use one folder per locale (app/[lang]) with " +
      'generateStaticParams instead.',
  },
  {
    feature: 'intercepting-route',
    pattern: /Intercepting routes are not supported with static export/,
    explain: () => 'Intercepting routes ((.)folder) need a server. Use plain routes instead.',
  },
  {
    feature: 'cache-components',
    pattern: /`cacheComponents` is not yet supported with `output: 'export'`/,
    explain: () =>
      'next.config enables cacheComponents, which Next.js cannot export yet. Disable ' +
      'cacheComponents (and partialPrefetching).',
  },
];

/**
 * What static export could not do, from the last lines of a failed `next build`; undefined
 * when the failure is something else (a type error, a failing page, …).
 */
export function explainStaticExportFailure(
  lines: readonly string[],
): StaticExportFailure | undefined {
  for (const { feature, pattern, explain } of FAILURE_PATTERNS) {
    for (const line of lines) {
      const match = pattern.exec(line);
      if (match !== null) {
        const route = match[1];
        return {
          feature,
          ...(route === undefined ? {} : { route }),
          line: line.trim(),
          explanation: explain(route),
        };
      }
    }
  }
  return undefined;
}

/** What a static export cannot do, for messages. */
export const STATIC_EXPORT_LIMITS =
  'A static export has no server: no API routes or route handlers that read the request, no ' +
  'middleware/proxy, no incremental static regeneration, no server actions, no cookies() or ' +
  'headers() in pages, and dynamic routes need generateStaticParams().';

/**
 * Warnings about a successful `next build`: features the export left out (they build, but do
 * nothing on Citadel).
 */
export function staticExportWarnings(lines: readonly string[]): string[] {
  const warnings: string[] = [];
  for (const line of lines) {
    const text = line.trim();
    if (/^ƒ (?:Proxy|Middleware)\b/.test(text)) {
      warnings.push(
        'middleware.ts / proxy.ts is not part of the static export and will not run: a canister ' +
          'serves the exported files as they are.',
      );
    }
    // Next.js 16 words it the second way; earlier versions the first.
    const routes =
      /Specified "(rewrites|redirects|headers)" will not automatically work/.exec(text) ??
      /rewrites, redirects, and headers are not applied when exporting your application, detected \(([^)]+)\)/.exec(
        text,
      );
    if (routes?.[1] !== undefined) {
      const kinds = routes[1].split(/,\s*|\s+and\s+/).filter((kind) => kind !== '');
      warnings.push(
        `next.config's ${kinds.join(', ')} are not part of the static export and will not apply` +
          (kinds.includes('headers')
            ? ' (set response headers in .ic-assets.json5 instead).'
            : '.'),
      );
    }
  }
  return [...new Set(warnings)];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
