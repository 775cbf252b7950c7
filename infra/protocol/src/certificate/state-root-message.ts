import { DomainSeparator, domainSeparated } from '../domain-separator.js';

/**
 * The message a certificate's BLS signature covers: `0x0D "ic-state-root" ‖ rootHash`
 * (interface spec "Certificate / Signature").
 */
export function stateRootMessage(rootHash: Uint8Array): Uint8Array {
  return domainSeparated(DomainSeparator.STATE_ROOT, rootHash);
}
