/**
 * The static-export preset that Next.js apps hosted by Citadel share. A canister serves
 * files, so a Next.js app is deployed as its static export: every page rendered at build time
 * into `out/`. `citadel deploy` applies this preset through a Next.js deployment adapter
 * (next-adapter.ts) without touching the app's next.config; an app can also apply it itself:
 *
 *     import { citadelStaticExport } from '@citadel/cli/next-preset';
 *     export default citadelStaticExport({ reactStrictMode: true });
 *
 * This module is loaded inside `next build`: it must stay free of imports.
 */

/** The part of a Next.js config the preset reads and writes (structural: the CLI does not depend on `next`). */
export interface StaticExportConfig {
  output?: 'export' | 'standalone' | undefined;
  images?:
    | {
        loader?: string | undefined;
        loaderFile?: string | undefined;
        unoptimized?: boolean | undefined;
      }
    | undefined;
  trailingSlash?: boolean | undefined;
  distDir?: string | undefined;
  generateBuildId?: (() => string | null | Promise<string | null>) | undefined;
}

/**
 * The build id when the app does not choose one. Next.js otherwise draws a random id per
 * build and writes it into every page, so each deploy would upload every page again; with a
 * fixed one an unchanged page exports to the same bytes, and only what changed is uploaded.
 */
export const STABLE_BUILD_ID = 'citadel';

/** The app's own build id when it sets one, else {@link STABLE_BUILD_ID}. */
function stableBuildId(
  own: StaticExportConfig['generateBuildId'],
): NonNullable<StaticExportConfig['generateBuildId']> {
  return async () => (own === undefined ? null : await own()) ?? STABLE_BUILD_ID;
}

/** Starts the message the preset throws for `output: 'standalone'`; the build recognises it. */
export const STANDALONE_REFUSAL = 'Citadel hosts static exports of Next.js apps';

/**
 * Returns `config` set up for a static export: `output: 'export'`, and images served as they
 * are (`images.unoptimized`), since there is no server to resize them, unless the app set a
 * loader of its own (an image CDN), which works in an export; and a fixed build id unless the
 * app sets one (see {@link STABLE_BUILD_ID}). Everything else, `trailingSlash` included, stays
 * as the app set it.
 * @throws Error when the config asks for `output: 'standalone'` (a Node.js server).
 * @example
 * citadelStaticExport({}) // { output: 'export', images: { unoptimized: true } }
 */
export function citadelStaticExport<Config extends object>(
  config: Config & StaticExportConfig,
): Config & StaticExportConfig {
  if (config.output === 'export') {
    return { ...config, generateBuildId: stableBuildId(config.generateBuildId) };
  }
  if (config.output === 'standalone') {
    throw new Error(
      `${STANDALONE_REFUSAL}, but next.config sets output: 'standalone' (a Node.js server, ` +
        `which a canister cannot run). Remove "output" from next.config (citadel deploy ` +
        `exports the app itself) or set output: 'export'.`,
    );
  }
  const images = config.images ?? {};
  // Next.js fills in loader: 'default' and loaderFile: '' before adapters see the config.
  const customLoader =
    (images.loaderFile !== undefined && images.loaderFile !== '') ||
    (images.loader !== undefined && images.loader !== 'default');
  return {
    ...config,
    output: 'export',
    images: customLoader ? images : { ...images, unoptimized: true },
    generateBuildId: stableBuildId(config.generateBuildId),
  };
}

/**
 * The directory (relative to the app) `next build` exports to under `config`: `out`, or the
 * app's `distDir` when it set one, as Next.js does for `output: 'export'`. Undefined when the
 * config does not export.
 */
export function nextExportDir(config: StaticExportConfig): string | undefined {
  if (config.output !== 'export') {
    return undefined;
  }
  return config.distDir !== undefined && config.distDir !== '.next' ? config.distDir : 'out';
}
