export { decodeCertificate, encodeCertificate } from './codec.js';
export { CertificateErrorCode } from './errors.js';
export { stateRootMessage } from './state-root-message.js';
export type { Certificate, CertificateDelegation } from './types.js';
export {
  CERTIFICATE_MAX_SKEW_NS,
  DELEGATION_MAX_AGE_NS,
  verifyCertificate,
  verifyCertificateAuthenticity,
} from './verify.js';
export type {
  BlsVerify,
  VerifyCertificateAuthenticityOptions,
  VerifyCertificateOptions,
} from './verify.js';
