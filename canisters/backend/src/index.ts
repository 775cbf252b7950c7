/**
 * The backend canister of Citadel Notes (Azle 0.33): notes with an owner, a visibility and a
 * version, over the pure store in `notes/`. Notes live in stable memory (see
 * `canister/stable-state.ts`); methods that return notes reply with bytes assembled from the
 * stored Candid values (`candid/replies.ts`), so they decode their arguments themselves
 * (`manual`) while Azle still writes the interface from the declared types.
 */
// First: every module below must see the native text codec (see @citadel/azle-text).
import '@citadel/azle-text/install';
import {
  IDL,
  type Principal,
  init,
  msgArgData,
  msgCaller,
  msgReply,
  postUpgrade,
  query,
  time,
  update,
} from 'azle';
import {
  type CandidLimits,
  type CandidNoteInput,
  type CandidPageRequest,
  T,
} from './candid/interface.js';
import { createReplyEncoder } from './candid/replies.js';
import { store } from './canister/stable-state.js';
import type { NoteInput, PageRequest } from './notes/types.js';

/** Made at install and upgrade; a query's heap changes would not outlive it. */
const replies = createReplyEncoder();

/** The call's arguments, decoded as `types`. */
function args<A extends unknown[]>(types: IDL.Type[]): A {
  return IDL.decode(types, msgArgData()) as unknown as A;
}

function caller(): Uint8Array {
  return msgCaller().toUint8Array();
}

function toInput(input: CandidNoteInput): NoteInput {
  return {
    title: input.title,
    body: input.body,
    visibility: 'public' in input.visibility ? 'public' : 'private',
  };
}

function toPageRequest(request: CandidPageRequest): PageRequest {
  const [cursor] = request.cursor;
  const [limit] = request.limit;
  return { ...(cursor === undefined ? {} : { cursor }), ...(limit === undefined ? {} : { limit }) };
}

export default class {
  @init([])
  init(): void {
    store.load();
  }

  @postUpgrade([])
  postUpgrade(): void {
    store.load();
  }

  @update(T.args.create_note, T.NoteResult, { manual: true })
  create_note(): void {
    const [input] = args<[CandidNoteInput]>(T.args.create_note);
    msgReply(replies.noteResult(store.create(caller(), toInput(input), time())));
  }

  @update(T.args.update_note, T.NoteResult, { manual: true })
  update_note(): void {
    const [id, expectedVersion, input] = args<[bigint, bigint, CandidNoteInput]>(
      T.args.update_note,
    );
    msgReply(
      replies.noteResult(store.update(caller(), id, expectedVersion, toInput(input), time())),
    );
  }

  @update(T.args.delete_note, T.DeleteResult, { manual: true })
  delete_note(): void {
    const [id, expectedVersion] = args<[bigint, bigint]>(T.args.delete_note);
    msgReply(replies.deleteResult(store.delete(caller(), id, expectedVersion)));
  }

  @query(T.args.get_note, T.NoteResult, { manual: true })
  get_note(): void {
    const [id] = args<[bigint]>(T.args.get_note);
    msgReply(replies.noteResult(store.get(caller(), id)));
  }

  @query(T.args.list_public, T.NotePage, { manual: true })
  list_public(): void {
    const [request] = args<[CandidPageRequest]>(T.args.list_public);
    msgReply(replies.notePage(store.listPublic(toPageRequest(request))));
  }

  @query(T.args.list_mine, T.NotePage, { manual: true })
  list_mine(): void {
    const [request] = args<[CandidPageRequest]>(T.args.list_mine);
    msgReply(replies.notePage(store.listMine(caller(), toPageRequest(request))));
  }

  @query([], T.Limits)
  limits(): CandidLimits {
    const { titleChars, bodyChars, notesPerOwner, pageMax, pageDefault } = store.limits;
    return {
      title_chars: titleChars,
      body_chars: bodyChars,
      notes_per_owner: notesPerOwner,
      page_max: pageMax,
      page_default: pageDefault,
    };
  }

  @query([], IDL.Principal)
  whoami(): Principal {
    return msgCaller();
  }
}
