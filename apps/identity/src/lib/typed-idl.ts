/**
 * Candid constructors that keep their JS value types. `@dfinity/candid` types records and
 * variants as `Record<string, any>`; these wrap the same constructors so that an interface
 * written once as IDL also yields its TypeScript types (`WireOf`, `ServiceOf`), and the two
 * cannot drift. Only the constructors the II interface needs are here.
 */
import type { ActorMethod } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';

/** The JS value a Candid type encodes from and decodes to. */
export type WireOf<T> = T extends IDL.Type<infer Value> ? Value : never;

type WireTuple<Types extends readonly IDL.Type[]> = {
  -readonly [I in keyof Types]: WireOf<Types[I]>;
};

/** What an actor method resolves to: nothing, the single value, or the tuple of values. */
type WireReturn<Types extends readonly IDL.Type[]> = Types extends readonly []
  ? undefined
  : Types extends readonly [infer Only]
    ? WireOf<Only>
    : WireTuple<Types>;

/** The actor type of a service built with {@link service}: one `ActorMethod` per method. */
export type ServiceOf<Methods extends Record<string, IDL.FuncClass>> = {
  [Name in keyof Methods]: Methods[Name] extends IDL.FuncClass<infer Args, infer Rets>
    ? ActorMethod<WireTuple<Args>, WireReturn<Rets>>
    : never;
};

/**
 * `type` as carrying `Value`: the one place a value type is asserted. Sound as long as `Value`
 * is what `@dfinity/candid` decodes `type` to, which the interface's round-trip test checks.
 */
function typed<Value>(type: IDL.Type): IDL.Type<Value> {
  return type;
}

/** `blob`: `@dfinity/candid` 3 decodes `vec nat8` to a `Uint8Array` (and encodes one). */
export const blob = typed<Uint8Array>(IDL.Vec(IDL.Nat8));

/** `nat64`, which decodes to a `bigint` (the `number` it also accepts is never produced). */
export const nat64 = typed<bigint>(IDL.Nat64);

/** `text`. */
export const text = IDL.Text;

/** `principal`. */
export const principal = IDL.Principal;

/** `null`, the payload of a variant case without data. */
export const unit = IDL.Null;

/** `opt T`, as `[] | [value]`. */
export const opt = IDL.Opt;

/** `vec T`, as an array. */
export const vec = IDL.Vec;

/** `record { … }`, as an object with the same field names. */
export function record<Fields extends Record<string, IDL.Type>>(
  fields: Fields,
): IDL.Type<{ [Name in keyof Fields]: WireOf<Fields[Name]> }> {
  return typed(IDL.Record(fields));
}

/** `variant { … }`, as an object with exactly one of the case names. */
export function variant<Cases extends Record<string, IDL.Type>>(
  cases: Cases,
): IDL.Type<{ [Name in keyof Cases]: { [Only in Name]: WireOf<Cases[Name]> } }[keyof Cases]> {
  return typed(IDL.Variant(cases));
}

/** `(args) -> (rets)`, an update method unless `annotations` says `query`. */
export function method<
  const Args extends IDL.GenericIdlFuncArgs,
  const Rets extends IDL.GenericIdlFuncRets,
>(args: Args, rets: Rets, annotations: readonly 'query'[] = []): IDL.FuncClass<Args, Rets> {
  return IDL.Func(args, rets, [...annotations]);
}

/** `service : { … }`. */
export function service<Methods extends Record<string, IDL.FuncClass>>(
  methods: Methods,
): IDL.ServiceClass<Extract<keyof Methods, string>, Methods> {
  return IDL.Service(methods);
}
