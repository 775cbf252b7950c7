/**
 * The syntax tree of a Candid interface description (`.did`), as `parseCandid` returns it.
 *
 * Names are kept as written; field labels also carry their Candid id (the field hash of a name,
 * or the number itself), which is what identifies a field on the wire.
 */

/** A 1-based position in the source text. */
export interface CandidPosition {
  readonly line: number;
  readonly column: number;
}

/** The primitive types, by their Candid names. */
export const CANDID_PRIMITIVES = [
  'nat',
  'nat8',
  'nat16',
  'nat32',
  'nat64',
  'int',
  'int8',
  'int16',
  'int32',
  'int64',
  'float32',
  'float64',
  'bool',
  'text',
  'null',
  'reserved',
  'empty',
] as const;

export type CandidPrimitiveName = (typeof CANDID_PRIMITIVES)[number];

/** The annotations a function type may carry after its results. */
export type CandidFuncMode = 'query' | 'composite_query' | 'oneway';

export type CandidType =
  | { readonly kind: 'primitive'; readonly name: CandidPrimitiveName }
  | { readonly kind: 'principal' }
  | { readonly kind: 'blob' }
  | { readonly kind: 'reference'; readonly name: string; readonly position: CandidPosition }
  | { readonly kind: 'opt'; readonly type: CandidType }
  | { readonly kind: 'vec'; readonly type: CandidType }
  | { readonly kind: 'record'; readonly fields: readonly CandidField[] }
  | { readonly kind: 'variant'; readonly fields: readonly CandidField[] }
  | { readonly kind: 'func'; readonly func: CandidFuncType }
  | { readonly kind: 'service'; readonly methods: readonly CandidMethod[] };

/** A type that names another: `Foo`. */
export type CandidReference = Extract<CandidType, { kind: 'reference' }>;
/** `service { … }`. */
export type CandidServiceType = Extract<CandidType, { kind: 'service' }>;

/**
 * How a field is labelled: by a name (`a : nat`, `"a b" : nat`), by an explicit number
 * (`0 : nat`), or not at all (`record { nat; text }`: numbered from the previous field's id).
 */
export type CandidLabel =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'id'; readonly id: number }
  | { readonly kind: 'unnamed'; readonly id: number };

export interface CandidField {
  readonly label: CandidLabel;
  /** The field's Candid id: the hash of its name, or its number. */
  readonly id: number;
  readonly type: CandidType;
  readonly position: CandidPosition;
}

/** An argument or result of a function type; `name` when written `(name : text)`. */
export interface CandidArgument {
  readonly name?: string;
  readonly type: CandidType;
}

export interface CandidFuncType {
  readonly args: readonly CandidArgument[];
  readonly results: readonly CandidArgument[];
  readonly modes: readonly CandidFuncMode[];
}

export interface CandidMethod {
  readonly name: string;
  /** A function type, or a reference to a `func` type defined elsewhere. */
  readonly type: Extract<CandidType, { kind: 'func' | 'reference' }>;
  readonly position: CandidPosition;
}

/** `type Name = …;` */
export interface CandidTypeDefinition {
  readonly name: string;
  readonly type: CandidType;
  readonly position: CandidPosition;
}

/** `service name? : (init args ->)? { … } | Name` */
export interface CandidActor {
  readonly name?: string;
  /** The install arguments, when the service is written `service : (…) -> …`. */
  readonly init?: readonly CandidArgument[];
  readonly type: CandidServiceType | CandidReference;
  readonly position: CandidPosition;
}

export interface CandidProgram {
  readonly types: readonly CandidTypeDefinition[];
  readonly actor?: CandidActor;
}

/** Candid's field hash: `h = h * 223 + byte (mod 2^32)` over the name's UTF-8 bytes. */
export function candidFieldHash(name: string): number {
  let hash = 0;
  for (const byte of new TextEncoder().encode(name)) {
    hash = (hash * 223 + byte) % 2 ** 32;
  }
  return hash;
}
