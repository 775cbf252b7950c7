export { createReplica, startReplica, DEFAULT_PORT } from './replica.js';
export type {
  Frontend,
  Replica,
  ReplicaOptions,
  RunningReplica,
  StartReplicaOptions,
} from './replica.js';
export { generateKeyMaterial } from './certification/subnet-keys.js';
export type { KeyMaterial } from './certification/subnet-keys.js';
export { serveHandler } from './http/node-server.js';
export type {
  BoundServer,
  QuickAnswer,
  QuickRequest,
  ServeHandlerOptions,
} from './http/node-server.js';
