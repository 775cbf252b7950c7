export { CitadelError, isCitadelError } from './errors.js';
export type { ErrorKind } from './errors.js';
