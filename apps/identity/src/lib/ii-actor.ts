/** Connecting to the II canister: an agent on the page's own gateway, and the actor over it. */
import { Actor, HttpAgent, type ActorSubclass, type Identity } from '@dfinity/agent';
import { idlFactory, type IiService } from './ii-idl';
import type { IdentityConfig } from './identity-config';

/** The II canister as an actor. */
export type IiActor = ActorSubclass<IiService>;

/**
 * The II canister's methods as plain functions: what the flows call, so that tests can fake
 * them without an agent. Every {@link IiActor} is one.
 */
export type IiCalls = {
  readonly [Method in keyof IiService]: (
    ...args: Parameters<IiService[Method]>
  ) => ReturnType<IiService[Method]>;
};

/** What {@link createIiActor} takes. */
export interface IiActorParams {
  readonly config: IdentityConfig;
  /** Who signs the calls. @default the anonymous identity */
  readonly identity?: Identity;
  /**
   * The agent's host: the origin this page was served from, whose gateway forwards `/api/*`
   * to the replica. II must be served by the gateway anyway (WebAuthn needs a domain, §7.2).
   */
  readonly host: string;
  /** The agent's fetch. @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
}

/**
 * Creates the agent and the II actor. Off mainnet the agent first fetches the network's root
 * key, so this fails (with an agent error) when the network cannot be reached.
 */
export async function createIiActor({
  config,
  identity,
  host,
  fetch,
}: IiActorParams): Promise<IiActor> {
  const agent = await HttpAgent.create({
    host,
    ...(identity === undefined ? {} : { identity }),
    ...(fetch === undefined ? {} : { fetch }),
  });
  if (config.fetchRootKey) {
    await agent.fetchRootKey();
  }
  return Actor.createActor<IiService>(idlFactory, { agent, canisterId: config.canisterId });
}
