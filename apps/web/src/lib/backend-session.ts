/** Connecting to the backend canister: the agent, the actor, and the notes API over it. */
import { HttpAgent, type Identity } from '@dfinity/agent';
import { createActor } from '../declarations/backend/index.js';
import { resolveAgentHost, type PageLocation } from './agent-host';
import type { AppConfig } from './app-config';
import { createNotesApi, type NotesApi } from './notes-api';

/** A connected user: the notes API, signing as `principal`. */
export interface BackendSession {
  readonly api: NotesApi;
  /** The caller's principal, as text. */
  readonly principal: string;
}

/** What {@link createBackendSession} takes. */
export interface BackendSessionParams {
  readonly config: AppConfig;
  /** Signs the calls: the guest key, or II's `DelegationIdentity`. */
  readonly identity: Identity;
  /** The page's location, which decides the agent's host (see `agent-host.ts`). */
  readonly location: PageLocation;
  /** The agent's fetch. @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
}

/**
 * Creates the agent and the backend actor. Off mainnet the agent first fetches the network's
 * root key, so this fails (with an agent error) when the network cannot be reached.
 */
export async function createBackendSession({
  config,
  identity,
  location,
  fetch,
}: BackendSessionParams): Promise<BackendSession> {
  const agent = await HttpAgent.create({
    host: resolveAgentHost(location, config.icHost),
    identity,
    ...(fetch === undefined ? {} : { fetch }),
  });
  if (config.fetchRootKey) {
    await agent.fetchRootKey();
  }
  const actor = createActor(config.canisterId, { agent });
  return { api: createNotesApi(actor), principal: identity.getPrincipal().toText() };
}
