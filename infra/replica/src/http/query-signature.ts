import type { CborMap } from '@citadel/protocol';
import { domainSeparated, hashOfMap } from '@citadel/protocol';

/** A node that signs query responses with its Ed25519 key. */
export interface QuerySigningNode {
  readonly nodeId: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/**
 * Signs a query response as a replica node does (interface spec "Query call", ic-protocol.md
 * §6): Ed25519 over `"ic-response"` ‖ hash_of_map(response fields + timestamp + request_id).
 */
export function signQueryResponse(
  node: QuerySigningNode,
  body: CborMap,
  requestId: Uint8Array,
  timestampNs: bigint,
): CborMap {
  const message = domainSeparated(
    'ic-response',
    hashOfMap({ ...body, timestamp: timestampNs, request_id: requestId }),
  );
  return { timestamp: timestampNs, signature: node.sign(message), identity: node.nodeId };
}
