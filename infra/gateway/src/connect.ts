import { HttpAgent } from '@dfinity/agent';
import { GatewayErrorCode, gatewayError } from './errors.js';
import { type Gateway, type GatewayOptions, createGateway } from './gateway.js';

/** Options of {@link connectGateway}. */
export interface ConnectGatewayOptions extends Omit<GatewayOptions, 'agent' | 'rootKey'> {
  /** The replica's URL (for the agent's request URLs; see `fetch`). */
  readonly replicaUrl: string;
  /** How to reach it: an in-process replica's handler, or the global `fetch` by default. */
  readonly fetch?: typeof fetch;
  /**
   * The root key certificates must chain to (DER): a local network's, or `'fetch'` to ask the
   * replica for it (only sensible for a local network). @default ICP mainnet's
   */
  readonly rootKey?: Uint8Array | 'fetch';
}

/** A gateway with its own agent for the replica at `replicaUrl`. */
export async function connectGateway(options: ConnectGatewayOptions): Promise<Gateway> {
  const { replicaUrl, fetch: fetchFn, rootKey, ...rest } = options;
  const agent = await HttpAgent.create({
    host: replicaUrl,
    ...(fetchFn === undefined ? {} : { fetch: fetchFn }),
    shouldFetchRootKey: rootKey === 'fetch',
    // Responses are checked against their certificates, which is what the gateway's promise
    // rests on; node signatures on query answers add nothing to that and cost a round trip.
    verifyQuerySignatures: false,
  });
  if (rootKey instanceof Uint8Array) {
    agent.rootKey = rootKey;
  }
  const key = agent.rootKey;
  if (key === null || key === undefined) {
    throw gatewayError(
      GatewayErrorCode.REPLICA_UNAVAILABLE,
      `No root key for ${replicaUrl}: pass one, or 'fetch' for a local network.`,
    );
  }
  return createGateway({ ...rest, agent, rootKey: new Uint8Array(key) });
}
