export {
  NEXT_CONFIG_FILES,
  STATIC_DIR_CANDIDATES,
  VITE_CONFIG_FILES,
  detectFrontend,
  nextAdapterPath,
} from './detect-frontend.js';
export type {
  DetectFrontendOptions,
  FrontendBuild,
  FrontendKind,
  FrontendPlan,
} from './detect-frontend.js';
export { OUTPUT_TAIL_LINES, buildFrontend } from './build-frontend.js';
export type { BuildFrontendOptions, FrontendBuildResult } from './build-frontend.js';
export { STATIC_EXPORT_LIMITS } from './explain-build-output.js';
export type { StaticExportFailure, UnsupportedFeature } from './explain-build-output.js';
export { citadelStaticExport } from './next-static-export.js';
export type { StaticExportConfig } from './next-static-export.js';
