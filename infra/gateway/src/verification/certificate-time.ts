import { decodeCertificate, decodeLeb128, lookupPath } from '@citadel/protocol';
import type { HeaderField } from '../canister/http-interface.js';

/**
 * The time (ns) of the certificate in a response's `IC-Certificate` header, for responses
 * that already passed verification; undefined if it cannot be read.
 */
export function certificateTimeNs(headers: readonly HeaderField[]): bigint | undefined {
  const value = headers.find(([name]) => name.toLowerCase() === 'ic-certificate')?.[1];
  const encoded = /certificate=:([^:]*):/.exec(value ?? '')?.[1];
  if (encoded === undefined) {
    return undefined;
  }
  try {
    const certificate = decodeCertificate(new Uint8Array(Buffer.from(encoded, 'base64')));
    const time = lookupPath(certificate.tree, ['time']);
    return time.status === 'found' ? decodeLeb128(time.value) : undefined;
  } catch {
    // Verified moments ago, so this cannot fail; if it does, the response is not cached.
    return undefined;
  }
}
