export {
  ENV_IDENTITY_NAME,
  displayPath,
  formatIdentityCreated,
  loadCommandIdentity,
  loadIdentity,
} from './load-identity.js';
export type { IdentitySource, LoadIdentityParams, LoadedIdentity } from './load-identity.js';
export {
  CONFIG_DIR_ENV,
  DEFAULT_IDENTITY_NAME,
  IDENTITY_PEM_ENV,
  MAX_PEM_BYTES,
  assertIdentityName,
  createIdentity,
  effectiveDefaultName,
  identityPemPath,
  identityStorePaths,
  importIdentity,
  isValidIdentityName,
  listIdentityNames,
  readDefaultIdentityName,
  readStoredIdentity,
  resolveConfigDir,
  setDefaultIdentity,
  writeIdentityPem,
} from './identity-store.js';
export type { IdentityStorePaths, StoredIdentity } from './identity-store.js';
export {
  decodePrivateKeyPem,
  encodeEd25519PrivateKeyPem,
  generateEd25519Key,
  identityFromPem,
} from './key-pem.js';
export type { DecodedPrivateKey, IdentityKey, KeyType } from './key-pem.js';
