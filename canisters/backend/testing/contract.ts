import type { IDL } from '@dfinity/candid';

/**
 * The Candid interface the frontend is built against, written out by hand from its `.did`
 * (not derived from `candid/interface.ts`): tests that talk to the canister through it
 * fail if the canister drifts from the contract.
 */
export const contractIdlFactory: IDL.InterfaceFactory = ({ IDL: I }) => {
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
  const NoteResult = I.Variant({ ok: Note, err: NoteError });
  const DeleteResult = I.Variant({ ok: I.Null, err: NoteError });
  const PageRequest = I.Record({ cursor: I.Opt(I.Nat64), limit: I.Opt(I.Nat32) });
  const NotePage = I.Record({ notes: I.Vec(Note), next_cursor: I.Opt(I.Nat64) });
  const Limits = I.Record({
    title_chars: I.Nat32,
    body_chars: I.Nat32,
    notes_per_owner: I.Nat32,
    page_max: I.Nat32,
    page_default: I.Nat32,
  });
  return I.Service({
    create_note: I.Func([NoteInput], [NoteResult], []),
    update_note: I.Func([I.Nat64, I.Nat64, NoteInput], [NoteResult], []),
    delete_note: I.Func([I.Nat64, I.Nat64], [DeleteResult], []),
    get_note: I.Func([I.Nat64], [NoteResult], ['query']),
    list_public: I.Func([PageRequest], [NotePage], ['query']),
    list_mine: I.Func([PageRequest], [NotePage], ['query']),
    limits: I.Func([], [Limits], ['query']),
    whoami: I.Func([], [I.Principal], ['query']),
  });
};
