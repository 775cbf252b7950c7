/**
 * The Next.js deployment adapter `citadel deploy` hands to `next build` through
 * `NEXT_ADAPTER_PATH` (Next.js 16+): it applies the static-export preset to the app's config
 * for the production build, so a stock app exports to `out/` with its next.config untouched.
 * Next.js imports this module by path (apps/cli/dist/frontend/next-adapter.js); see
 * `applyModifyConfig` in next/dist/server/config.js for the contract.
 */
import type { StaticExportConfig } from './next-static-export.js';
import { citadelStaticExport, nextExportDir } from './next-static-export.js';

/** Next.js's `PHASE_PRODUCTION_BUILD`. */
const PHASE_PRODUCTION_BUILD = 'phase-production-build';

/** Starts the line the adapter prints with the export directory; `buildFrontend` reads it. */
export const EXPORT_DIR_LINE = 'Citadel static export to: ';

/** What Next.js passes to `modifyConfig` besides the config. */
export interface ModifyConfigContext {
  readonly phase: string;
  readonly nextVersion?: string;
  readonly projectDir?: string;
}

/** Writes a line to the build's standard output. @default process.stdout */
type WriteLine = (line: string) => void;

/** Creates the adapter (tests pass `writeLine`). */
export function createCitadelNextAdapter(
  writeLine: WriteLine = (line) => process.stdout.write(`${line}\n`),
) {
  return {
    name: 'citadel-static-export',
    modifyConfig<Config extends object>(
      config: Config & StaticExportConfig,
      context: ModifyConfigContext,
    ): Config {
      if (context.phase !== PHASE_PRODUCTION_BUILD) {
        return config;
      }
      const exported = citadelStaticExport(config);
      const dir = nextExportDir(exported);
      if (dir !== undefined) {
        writeLine(`${EXPORT_DIR_LINE}${dir}`);
      }
      return exported;
    },
  };
}

const citadelNextAdapter = createCitadelNextAdapter();
export default citadelNextAdapter;
