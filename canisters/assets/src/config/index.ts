/**
 * DFINITY's `.ic-assets.json5` asset configuration, with the semantics of dfx's `ic-asset`
 * crate: which files of a directory are uploaded, and with which headers, max-age, aliasing,
 * raw access and encodings. Only `loadAssetConfig` touches the file system.
 */
export {
  createAssetConfigResolver,
  defaultEncodings,
  type AssetConfigResolver,
  type AssetConfigResolverOptions,
  type UnusedAssetConfigRule,
} from './asset-config.js';
export { AssetsConfigErrorCode, type TextPosition } from './errors.js';
export { ASSET_CONFIG_FILE_NAMES, loadAssetConfig } from './load.js';
export { parseAssetConfigRules, type ParseAssetConfigRulesOptions } from './rules.js';
export { SECURITY_POLICY_HEADERS } from './security-policy.js';
export type {
  AssetConfig,
  AssetConfigFile,
  AssetConfigRule,
  AssetConfigWarning,
  ContentEncoding,
  HeaderField,
  SecurityPolicy,
} from './types.js';
