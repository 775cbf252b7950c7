/**
 * The sample app's backend as another program sees it: an unmodified `@dfinity/agent` with the
 * app's generated bindings, signing as an identity of its own. The specs use it to check what
 * the browser cannot prove by itself (that the canister, not just the UI, refuses a change).
 */
import { HttpAgent, type Identity } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { createActor } from '../../apps/web/src/declarations/backend/index.js';
import type { DeployedApp } from './network.js';

/** The backend, called by a fresh identity nobody else has (a new one per call). */
export async function backendAsNewcomer(app: DeployedApp) {
  const agent = await HttpAgent.create({
    host: app.apiUrl,
    identity: Ed25519KeyIdentity.generate(),
    shouldFetchRootKey: true,
  });
  return createActor(app.backendId, { agent });
}

/**
 * The backend, called as `identity`. A refused request fails at once: the agent's retries
 * would only repeat a refusal the test expects. With `verifyQuerySignatures: false` a query
 * is the one request sent; otherwise the agent also reads the subnet's keys (a `read_state`
 * signed as `identity`), and logs that request's refusal to the console.
 */
export async function backendAs(
  app: DeployedApp,
  identity: Identity,
  options: { readonly verifyQuerySignatures?: boolean } = {},
) {
  const agent = await HttpAgent.create({
    host: app.apiUrl,
    identity,
    shouldFetchRootKey: true,
    retryTimes: 0,
    verifyQuerySignatures: options.verifyQuerySignatures ?? true,
  });
  return createActor(app.backendId, { agent });
}
