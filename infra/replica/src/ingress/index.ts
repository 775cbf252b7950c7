export { IngressError, IngressErrorCode } from './ingress-error.js';
export { validateEnvelope } from './validate-envelope.js';
export type {
  CallContent,
  QueryContent,
  ReadStateContent,
  ValidateEnvelopeParams,
  ValidatedRequest,
} from './validate-envelope.js';
