import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

/**
 * Candid types of the Citadel Notes backend. They must match the interface the frontend is
 * built against (`canisters/backend/README.md`): method names, argument order, field names and
 * lower-case variant tags. Azle writes `dist/backend.did` from them.
 */

/** What an interface factory is handed: the `IDL` of whichever `@dfinity/candid` calls. */
type Idl = Parameters<IDL.InterfaceFactory>[0]['IDL'];

/** Argument types, as the non-empty tuple `IDL.Func` takes. */
const argTypes = <A extends [IDL.Type, ...IDL.Type[]]>(...types: A): A => types;

/** The interface's types, built with `I`. */
function defineTypes(I: Idl) {
  const Visibility = I.Variant({ public: I.Null, private: I.Null });
  const NoteInput = I.Record({ title: I.Text, body: I.Text, visibility: Visibility });
  const Note = I.Record({
    id: I.Nat64,
    owner: I.Principal,
    title: I.Text,
    body: I.Text,
    visibility: Visibility,
    version: I.Nat64,
    created_at: I.Nat64,
    updated_at: I.Nat64,
  });
  const NoteError = I.Variant({
    anonymous: I.Null,
    not_found: I.Record({ id: I.Nat64 }),
    not_owner: I.Record({ id: I.Nat64 }),
    version_conflict: I.Record({ current: Note }),
    invalid: I.Record({ field: I.Text, message: I.Text }),
    quota_exceeded: I.Record({ limit: I.Nat64 }),
  });
  const PageRequest = I.Record({ cursor: I.Opt(I.Nat64), limit: I.Opt(I.Nat32) });
  return {
    Visibility,
    NoteInput,
    Note,
    NoteError,
    NoteResult: I.Variant({ ok: Note, err: NoteError }),
    DeleteResult: I.Variant({ ok: I.Null, err: NoteError }),
    PageRequest,
    NotePage: I.Record({ notes: I.Vec(Note), next_cursor: I.Opt(I.Nat64) }),
    Limits: I.Record({
      title_chars: I.Nat32,
      body_chars: I.Nat32,
      notes_per_owner: I.Nat32,
      page_max: I.Nat32,
      page_default: I.Nat32,
    }),
    /** Argument types of the methods that take any, in order. */
    args: {
      create_note: argTypes(NoteInput),
      update_note: argTypes(I.Nat64, I.Nat64, NoteInput),
      delete_note: argTypes(I.Nat64, I.Nat64),
      get_note: argTypes(I.Nat64),
      list_public: argTypes(PageRequest),
      list_mine: argTypes(PageRequest),
    },
  };
}

/** The interface's types, for the canister's decorators and for tests. */
export const T = defineTypes(IDL);

/** The service, for agents: `Actor.createActor<NotesService>(idlFactory, ...)`. */
export const idlFactory: IDL.InterfaceFactory = ({ IDL: I }) => {
  const t = defineTypes(I);
  return I.Service({
    create_note: I.Func(t.args.create_note, [t.NoteResult], []),
    update_note: I.Func(t.args.update_note, [t.NoteResult], []),
    delete_note: I.Func(t.args.delete_note, [t.DeleteResult], []),
    get_note: I.Func(t.args.get_note, [t.NoteResult], ['query']),
    list_public: I.Func(t.args.list_public, [t.NotePage], ['query']),
    list_mine: I.Func(t.args.list_mine, [t.NotePage], ['query']),
    limits: I.Func([], [t.Limits], ['query']),
    whoami: I.Func([], [I.Principal], ['query']),
  });
};

// ---- JavaScript shapes of the Candid values (as @dfinity/candid decodes them) -------------

export type CandidVisibility = { public: null } | { private: null };

export interface CandidNoteInput {
  title: string;
  body: string;
  visibility: CandidVisibility;
}

export interface CandidNote {
  id: bigint;
  owner: Principal;
  title: string;
  body: string;
  visibility: CandidVisibility;
  version: bigint;
  created_at: bigint;
  updated_at: bigint;
}

export type CandidNoteError =
  | { anonymous: null }
  | { not_found: { id: bigint } }
  | { not_owner: { id: bigint } }
  | { version_conflict: { current: CandidNote } }
  | { invalid: { field: string; message: string } }
  | { quota_exceeded: { limit: bigint } };

export type CandidNoteResult = { ok: CandidNote } | { err: CandidNoteError };
export type CandidDeleteResult = { ok: null } | { err: CandidNoteError };

export interface CandidPageRequest {
  cursor: [] | [bigint];
  limit: [] | [number];
}

export interface CandidNotePage {
  notes: CandidNote[];
  next_cursor: [] | [bigint];
}

export interface CandidLimits {
  title_chars: number;
  body_chars: number;
  notes_per_owner: number;
  page_max: number;
  page_default: number;
}

/** The service as an agent's actor sees it. */
export interface NotesService {
  create_note(input: CandidNoteInput): Promise<CandidNoteResult>;
  update_note(
    id: bigint,
    expectedVersion: bigint,
    input: CandidNoteInput,
  ): Promise<CandidNoteResult>;
  delete_note(id: bigint, expectedVersion: bigint): Promise<CandidDeleteResult>;
  get_note(id: bigint): Promise<CandidNoteResult>;
  list_public(request: CandidPageRequest): Promise<CandidNotePage>;
  list_mine(request: CandidPageRequest): Promise<CandidNotePage>;
  limits(): Promise<CandidLimits>;
  whoami(): Promise<Principal>;
}
