export {
  createGateway,
  type Gateway,
  type GatewayOptions,
  type QuickAnswer,
  type QuickRequest,
} from './gateway.js';
export { GatewayErrorCode } from './errors.js';
export {
  type CanisterTarget,
  type RoutingOptions,
  canisterTarget,
} from './routing/canister-target.js';
export { type ConnectGatewayOptions, connectGateway } from './connect.js';
