/**
 * The backend's wire types, derived from the generated `_SERVICE` alone. The bindings are
 * regenerated from the Azle-built canister's Candid, which names no types (every record is
 * inline), so nothing here may import a named type from them.
 */
import type { _SERVICE } from '../declarations/backend/index.js';

/** The backend's methods as plain functions: an `ActorSubclass<_SERVICE>` is one, and so is a fake. */
export type BackendService = {
  [Method in keyof _SERVICE]: (
    ...args: Parameters<_SERVICE[Method]>
  ) => ReturnType<_SERVICE[Method]>;
};

type NoteResult = Awaited<ReturnType<_SERVICE['get_note']>>;

/** A note as the canister sends it (`nat64` fields as `bigint`, `owner` as a `Principal`). */
export type WireNote = Extract<NoteResult, { ok: unknown }>['ok'];

/** The canister's error variant (`anonymous`, `not_found`, `version_conflict`, …). */
export type WireNoteError = Extract<NoteResult, { err: unknown }>['err'];

/** What `create_note` and `update_note` take. */
export type WireNoteInput = Parameters<_SERVICE['create_note']>[0];

/** What `list_public` and `list_mine` take. */
export type WirePageRequest = Parameters<_SERVICE['list_public']>[0];

/** One page of `list_public` or `list_mine`. */
export type WireNotePage = Awaited<ReturnType<_SERVICE['list_public']>>;

/** The answer of `limits`. */
export type WireLimits = Awaited<ReturnType<_SERVICE['limits']>>;
