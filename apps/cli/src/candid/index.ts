export type * from './ast.js';
export { CANDID_PRIMITIVES, candidFieldHash } from './ast.js';
export { parseCandid } from './parse-candid.js';
export type { ParseCandidOptions } from './parse-candid.js';
export { generateActorModule, generateBindings } from './generate-bindings.js';
export type { ActorModule, Bindings, GenerateBindingsOptions } from './generate-bindings.js';
export { writeBindings } from './write-bindings.js';
export type { WrittenBindings } from './write-bindings.js';
