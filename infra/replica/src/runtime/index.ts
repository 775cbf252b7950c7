/**
 * Canister threads: every installed canister instance runs on a worker thread of its own, so
 * the network's thread (HTTP, scheduling, certification) never runs canister code.
 */
export { RuntimeErrorCode } from './errors.js';
export { dormantInstanceThread, startInstanceThread } from './instance-thread.js';
export type { InstanceThread, SliceStep, StartInstanceOptions } from './instance-thread.js';
export type { InstanceImage } from './protocol.js';
