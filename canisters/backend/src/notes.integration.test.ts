import { existsSync, readFileSync } from 'node:fs';
import { Actor, type ActorSubclass, AnonymousIdentity, type Identity } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import type { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestNetwork } from '../../../infra/replica/src/integration/harness.js';
import { startTestNetwork } from '../../../infra/replica/src/integration/harness.js';
import type {
  CandidNote,
  CandidNoteError,
  CandidNoteInput,
  CandidNotePage,
  NotesService,
} from './candid/interface.js';
import { contractIdlFactory } from '../testing/contract.js';
import {
  type InstructionMeter,
  meterInstructions,
} from '../../../infra/replica/src/integration/instruction-meter.js';

/**
 * The backend canister built from source (`canisters/backend/dist/backend.wasm.gz`) on the
 * real replica, called through @dfinity/agent with the interface written out from the
 * contract (`testing/contract.ts`), as two signed-in users, a second tab of one of them, and
 * the anonymous principal. Instruction counts are read from the replica (its test harness's
 * `instruction-meter.ts`) and printed.
 */

const WASM = new URL('../dist/backend.wasm.gz', import.meta.url);
/** The IC's limit for one query (and so for a listing), in instructions. */
const QUERY_LIMIT = 5_000_000_000n;
const controller = Ed25519KeyIdentity.generate();
const alice = Ed25519KeyIdentity.generate();
const bob = Ed25519KeyIdentity.generate();

const input = (overrides: Partial<CandidNoteInput> = {}): CandidNoteInput => ({
  title: 'A note',
  body: 'Some text.',
  visibility: { public: null },
  ...overrides,
});
const PRIVATE = { private: null } as const;

/** The note of a result, failing the test with the error otherwise. */
function ok(result: { ok: CandidNote } | { err: CandidNoteError }): CandidNote {
  if ('err' in result) {
    throw new Error(`expected ok, got ${JSON.stringify(Object.keys(result.err))}`);
  }
  return result.ok;
}

/** The error of a result, failing the test on success. */
function err(result: { ok: unknown } | { err: CandidNoteError }): CandidNoteError {
  if ('ok' in result) {
    throw new Error('expected an error');
  }
  return result.err;
}

const idsOf = (page: CandidNotePage) => page.notes.map((note) => note.id);

/** Every page of a listing, following the cursor. */
async function allPages(
  list: (request: { cursor: [] | [bigint]; limit: [] | [number] }) => Promise<CandidNotePage>,
  limit?: number,
): Promise<CandidNotePage[]> {
  const pages = [await list({ cursor: [], limit: limit === undefined ? [] : [limit] })];
  for (let next = pages[0]?.next_cursor; next?.length === 1;) {
    const page = await list({ cursor: next, limit: limit === undefined ? [] : [limit] });
    pages.push(page);
    next = page.next_cursor;
  }
  return pages;
}

const millions = (instructions: bigint) => `${(Number(instructions) / 1e6).toFixed(1)} M`;

describe('notes backend on the replica', () => {
  let net: TestNetwork;
  let canisterId: Principal;
  let meter: InstructionMeter;

  const actor = async (identity: Identity): Promise<ActorSubclass<NotesService>> =>
    Actor.createActor<NotesService>(contractIdlFactory, {
      agent: await net.agent(identity),
      canisterId,
    });

  let asAlice: ActorSubclass<NotesService>;
  let asBob: ActorSubclass<NotesService>;
  let asAnonymous: ActorSubclass<NotesService>;

  beforeAll(async () => {
    if (!existsSync(WASM)) {
      throw new Error(`${WASM.pathname} is missing: run \`node tools/build-canisters.mjs\`.`);
    }
    net = await startTestNetwork();
    canisterId = await net.deploy(controller, new Uint8Array(readFileSync(WASM)));
    meter = meterInstructions(net, canisterId);
    [asAlice, asBob, asAnonymous] = await Promise.all([
      actor(alice),
      actor(bob),
      actor(new AnonymousIdentity()),
    ]);
  }, 120_000);
  afterAll(() => net?.close());

  it('names the caller in whoami and returns the limits', async () => {
    expect((await asAlice.whoami()).toText()).toBe(alice.getPrincipal().toText());
    expect((await asAnonymous.whoami()).isAnonymous()).toBe(true);
    expect(await asBob.limits()).toEqual({
      title_chars: 120,
      body_chars: 10_000,
      notes_per_owner: 500,
      page_max: 100,
      page_default: 20,
    });
  });

  it('creates a note for the caller, with its text intact, and lets anyone read and list it', async () => {
    const body = 'Quotes " and \\ backslashes,\n\ttabs, 日本語 and 🙂 👨‍👩‍👧.\n';
    const note = ok(await asAlice.create_note(input({ title: '  Hello, "world" 🙂 ', body })));
    expect(note).toMatchObject({ title: 'Hello, "world" 🙂', body, version: 1n });
    expect(note.owner.toText()).toBe(alice.getPrincipal().toText());
    expect(note.created_at).toBe(note.updated_at);
    expect(Number(note.created_at / 1_000_000n)).toBeGreaterThan(Date.now() - 60_000);
    for (const reader of [asAlice, asBob, asAnonymous]) {
      expect(ok(await reader.get_note(note.id))).toEqual(note);
    }
    expect((await asAnonymous.list_public({ cursor: [], limit: [] })).notes).toContainEqual(note);
    expect(idsOf(await asAlice.list_mine({ cursor: [], limit: [] }))).toContain(note.id);
    expect(idsOf(await asBob.list_mine({ cursor: [], limit: [] }))).not.toContain(note.id);
    expect(err(await asBob.get_note(999_999n))).toEqual({ not_found: { id: 999_999n } });
  });

  it('refuses every write by the anonymous principal', async () => {
    const { id } = ok(await asAlice.create_note(input()));
    expect(err(await asAnonymous.create_note(input()))).toEqual({ anonymous: null });
    expect(err(await asAnonymous.update_note(id, 1n, input()))).toEqual({ anonymous: null });
    expect(err(await asAnonymous.delete_note(id, 1n))).toEqual({ anonymous: null });
    expect((await asAnonymous.list_mine({ cursor: [], limit: [] })).notes).toEqual([]);
  });

  it("refuses changes to another owner's notes: not_owner if public, not_found if private", async () => {
    const open = ok(await asAlice.create_note(input({ title: 'open' })));
    const secret = ok(await asAlice.create_note(input({ title: 'secret', visibility: PRIVATE })));
    expect(err(await asBob.update_note(open.id, 1n, input()))).toEqual({
      not_owner: { id: open.id },
    });
    expect(err(await asBob.delete_note(open.id, 1n))).toEqual({ not_owner: { id: open.id } });
    expect(err(await asBob.update_note(secret.id, 1n, input()))).toEqual({
      not_found: { id: secret.id },
    });
    expect(err(await asBob.delete_note(secret.id, 1n))).toEqual({ not_found: { id: secret.id } });
    expect(ok(await asAlice.get_note(open.id))).toEqual(open);
    expect(ok(await asAlice.get_note(secret.id))).toEqual(secret);
  });

  it('hides a private note from everyone but its owner, in reads and listings', async () => {
    const secret = ok(await asBob.create_note(input({ title: 'diary', visibility: PRIVATE })));
    expect(err(await asAlice.get_note(secret.id))).toEqual({ not_found: { id: secret.id } });
    expect(err(await asAnonymous.get_note(secret.id))).toEqual({ not_found: { id: secret.id } });
    const everyPublic = (await allPages((r) => asAnonymous.list_public(r), 100)).flatMap(idsOf);
    expect(everyPublic).not.toContain(secret.id);
    expect(idsOf(await asBob.list_mine({ cursor: [], limit: [] }))).toContain(secret.id);
    // Made public, it shows; made private again, it hides.
    ok(
      await asBob.update_note(
        secret.id,
        1n,
        input({ title: 'diary', visibility: { public: null } }),
      ),
    );
    expect(ok(await asAnonymous.get_note(secret.id)).version).toBe(2n);
    ok(await asBob.update_note(secret.id, 2n, input({ visibility: PRIVATE })));
    expect(err(await asAnonymous.get_note(secret.id))).toEqual({ not_found: { id: secret.id } });
  });

  it('keeps two tabs of one user from losing each other’s updates', async () => {
    const [tabA, tabB] = [asAlice, await actor(alice)];
    const note = ok(await tabA.create_note(input({ title: 'shared list', body: 'milk' })));
    // Both tabs loaded version 1. Tab A saves first.
    const saved = ok(
      await tabA.update_note(note.id, 1n, input({ title: 'shared list', body: 'milk\neggs' })),
    );
    expect(saved.version).toBe(2n);
    expect(saved.updated_at).toBeGreaterThan(note.updated_at);
    // Tab B's save names version 1: refused, with tab A's note to merge with.
    const conflict = err(await tabB.update_note(note.id, 1n, input({ body: 'milk\nbread' })));
    expect(conflict).toEqual({ version_conflict: { current: saved } });
    expect(ok(await tabB.get_note(note.id))).toEqual(saved);
    const merged = ok(await tabB.update_note(note.id, 2n, input({ body: 'milk\neggs\nbread' })));
    expect(merged.version).toBe(3n);
    // A delete from the stale tab A is refused too; with the current version it goes through.
    expect(err(await tabA.delete_note(note.id, 2n))).toEqual({
      version_conflict: { current: merged },
    });
    expect(await tabA.delete_note(note.id, 3n)).toEqual({ ok: null });
    expect(err(await tabB.get_note(note.id))).toEqual({ not_found: { id: note.id } });
  });

  it('answers invalid input with the field and a message naming the limit', async () => {
    const cases: [Partial<CandidNoteInput>, string, string][] = [
      [{ title: '   ' }, 'title', 'title must be 1 to 120 characters long once trimmed; it has 0'],
      [{ title: '🙂'.repeat(121) }, 'title', 'it has 121'],
      [{ title: 'two\nlines' }, 'title', 'found U+000A'],
      [
        { body: 'x'.repeat(10_001) },
        'body',
        'body must be at most 10,000 characters long; it has 10,001',
      ],
      [{ body: 'windows\r\n' }, 'body', 'found U+000D'],
    ];
    for (const [overrides, field, message] of cases) {
      const problem = err(await asAlice.create_note(input(overrides)));
      expect(problem).toEqual({ invalid: { field, message: expect.stringContaining(message) } });
    }
    // Exactly at the limits, counted in code points.
    const full = ok(
      await asAlice.create_note(input({ title: '🙂'.repeat(120), body: '日'.repeat(10_000) })),
    );
    expect([...full.title]).toHaveLength(120);
    expect(full.body).toHaveLength(10_000);
  });

  it('pages through more than one page of a user’s notes, newest first, without repeats', async () => {
    const carol = await actor(Ed25519KeyIdentity.generate());
    const created = await Promise.all(
      Array.from({ length: 45 }, (_, i) =>
        carol.create_note(
          input({ title: `note ${i}`, visibility: i % 3 ? { public: null } : PRIVATE }),
        ),
      ),
    );
    const ids = created.map((result) => ok(result).id).sort((a, b) => (a < b ? 1 : -1));
    const pages = await allPages((request) => carol.list_mine(request));
    expect(pages.map((page) => page.notes.length)).toEqual([20, 20, 5]);
    expect(pages.flatMap(idsOf)).toEqual(ids);
    expect(pages[0]?.next_cursor).toEqual([ids[19]]);
    expect(pages[2]?.next_cursor).toEqual([]);
    expect((await carol.list_mine({ cursor: [], limit: [0] })).notes).toHaveLength(1);
    expect((await carol.list_mine({ cursor: [ids[43] as bigint], limit: [7] })).notes).toHaveLength(
      1,
    );
    expect(
      (await asAnonymous.list_public({ cursor: [], limit: [1_000] })).notes.length,
    ).toBeLessThanOrEqual(100);
  });

  it('lists 100 notes of 10,000 characters in one query far below the query limit', async () => {
    const writer = await actor(Ed25519KeyIdentity.generate());
    const body = `${'Lorem ipsum dolor sit amet. '.repeat(358).slice(0, 9_999)}\n`;
    expect(body).toHaveLength(10_000);
    const created = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        writer.create_note(input({ title: `long ${i}`, body })),
      ),
    );
    const first = ok(created[0] as { ok: CandidNote });
    const createCost = meter.last('create_note');
    ok(await writer.update_note(first.id, 1n, input({ title: 'long, edited', body })));
    const updateCost = meter.last('update_note');

    const page20 = await writer.list_mine({ cursor: [], limit: [20] });
    const list20Cost = meter.last('list_mine');
    const page100 = await asAnonymous.list_public({ cursor: [], limit: [100] });
    const list100Cost = meter.last('list_public');
    expect(page20.notes).toHaveLength(20);
    expect(page100.notes).toHaveLength(100);
    expect(page100.notes.every((note) => note.body === body)).toBe(true);
    ok(await writer.get_note(first.id));
    const getCost = meter.last('get_note');

    console.log(
      `instructions, 10,000-character bodies: create ${millions(createCost)}, update ` +
        `${millions(updateCost)}, get ${millions(getCost)}, page of 20 ${millions(list20Cost)}, ` +
        `page of 100 ${millions(list100Cost)} (query limit ${millions(QUERY_LIMIT)})`,
    );
    expect(list100Cost).toBeLessThan(QUERY_LIMIT / 50n);
    expect(createCost).toBeLessThan(100_000_000n);
    expect(updateCost).toBeLessThan(100_000_000n);
  });

  it('ends a page of notes with 4-byte characters early, to keep the reply under 2 MiB', async () => {
    const writer = await actor(Ed25519KeyIdentity.generate());
    const body = '🙂'.repeat(10_000);
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        writer.create_note(input({ title: `emoji ${i}`, body })),
      ),
    );
    const pages = await allPages((request) => writer.list_mine(request), 100);
    const sizes = pages.map((page) => page.notes.length);
    console.log(
      `pages of 40 KB notes: ${sizes.join(', ')} notes; first page ${millions(meter.of('list_mine')[meter.of('list_mine').length - pages.length] ?? 0n)}`,
    );
    expect(sizes.length).toBeGreaterThan(1);
    expect(sizes.reduce((sum, n) => sum + n, 0)).toBe(60);
    expect(pages.flatMap((page) => page.notes).every((note) => note.body === body)).toBe(true);
  });

  it('refuses an oversized call, answers a long body with invalid, and keeps serving', async () => {
    await expect(asAlice.create_note(input({ body: 'x'.repeat(3_000_000) }))).rejects.toThrow();
    const problem = err(await asAlice.create_note(input({ body: 'x'.repeat(1_500_000) })));
    expect(problem).toEqual({
      invalid: {
        field: 'body',
        message: 'body must be at most 10,000 characters long; it has at least 750,000',
      },
    });
    console.log(`instructions, a 1.5 MB body refused: ${millions(meter.last('create_note'))}`);
    expect(ok(await asAlice.create_note(input({ title: 'still here' }))).title).toBe('still here');
  });

  it('rolls back a call that traps: no note and no id are taken', async () => {
    const before = ok(await asAlice.create_note(input({ title: 'before' })));
    const wrong = Actor.createActor<{ create_note(text: string): Promise<unknown> }>(
      ({ IDL: I }) => I.Service({ create_note: I.Func([I.Text], [I.Text], []) }),
      { agent: await net.agent(alice), canisterId },
    );
    await expect(wrong.create_note('not a NoteInput')).rejects.toThrow(/trap|decode|Candid/i);
    const after = ok(await asAlice.create_note(input({ title: 'after' })));
    expect(after.id).toBe(before.id + 1n);
  });

  it('keeps every note, version, rule and the id sequence across an upgrade', async () => {
    const snapshot = async () => ({
      public: (await allPages((r) => asAnonymous.list_public(r), 100)).flatMap((p) => p.notes),
      alice: (await allPages((r) => asAlice.list_mine(r), 100)).flatMap((p) => p.notes),
      bob: (await allPages((r) => asBob.list_mine(r), 100)).flatMap((p) => p.notes),
    });
    const secret = ok(
      await asBob.create_note(input({ title: 'kept secret', visibility: PRIVATE })),
    );
    const last = ok(await asAlice.create_note(input({ title: 'deleted before the upgrade' })));
    expect(await asAlice.delete_note(last.id, 1n)).toEqual({ ok: null });
    const before = await snapshot();

    await (
      await net.management(controller)
    ).install_code({
      mode: { upgrade: [] },
      canister_id: canisterId,
      wasm_module: new Uint8Array(readFileSync(WASM)),
      arg: new Uint8Array(IDL.encode([], [])),
      sender_canister_version: [],
    });
    meter.attach();

    expect(await snapshot()).toEqual(before);
    expect(err(await asAlice.get_note(secret.id))).toEqual({ not_found: { id: secret.id } });
    expect(ok(await asBob.get_note(secret.id))).toEqual(secret);
    const open = before.alice.find((note) => 'public' in note.visibility) as CandidNote;
    expect(err(await asBob.update_note(open.id, open.version, input()))).toEqual({
      not_owner: { id: open.id },
    });
    const next = ok(await asAlice.create_note(input({ title: 'after the upgrade' })));
    expect(next.id).toBe(last.id + 1n);
  });
});
