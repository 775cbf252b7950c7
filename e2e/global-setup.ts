import { startNetworkWithApp, stopNetwork } from './support/network.js';

/** Starts a network, deploys the sample app, and returns the teardown that stops it. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const app = await startNetworkWithApp();
  return () => stopNetwork(app);
}
