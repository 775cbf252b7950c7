export { SUPPORTED_AZLE, buildBackendCanister, outputTail } from './build-backend.js';
export type { BackendBuild, BuildBackendOptions } from './build-backend.js';
export { CANISTER_NAME, assertCanisterName } from './canister-name.js';
