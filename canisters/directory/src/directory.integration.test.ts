import { existsSync, readFileSync } from 'node:fs';
import { Actor, type ActorSubclass, AnonymousIdentity, type Identity } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestNetwork } from '../../../infra/replica/src/integration/harness.js';
import { startTestNetwork } from '../../../infra/replica/src/integration/harness.js';
import {
  type InstructionMeter,
  meterInstructions,
} from '../../../infra/replica/src/integration/instruction-meter.js';
import { contractIdlFactory } from '../testing/contract.js';
import { canisterId } from '../testing/listings.js';
import type {
  CandidDirectoryError,
  CandidListRequest,
  CandidListing,
  CandidListingInput,
  CandidListingPage,
  DirectoryService,
} from './candid/interface.js';

/**
 * The directory canister built from source (`canisters/directory/dist/directory.wasm.gz`) on
 * the real replica, called through @dfinity/agent with the interface written out from the
 * contract (`testing/contract.ts`), as its controller, two signed-in users and the anonymous
 * principal. Instruction counts are read from the replica (its test harness's
 * `instruction-meter.ts`) and printed.
 */

const WASM = new URL('../dist/directory.wasm.gz', import.meta.url);
/** The IC's limit for one query (and so for a page), in instructions. */
const QUERY_LIMIT = 5_000_000_000n;
const controller = Ed25519KeyIdentity.generate();
const alice = Ed25519KeyIdentity.generate();
const bob = Ed25519KeyIdentity.generate();

/** Frontend ids: canister-id-shaped principals no test shares. */
let nextCanister = 1_000;
const newCanister = () => Principal.fromUint8Array(canisterId(nextCanister++));

const input = (overrides: Partial<CandidListingInput> = {}): CandidListingInput => ({
  frontend: newCanister(),
  name: 'Citadel Notes',
  description: 'Notes in stable memory.',
  backends: [{ name: 'backend', id: newCanister() }],
  icon: ['/icon.svg'],
  last_release: [],
  ...overrides,
});

const request = (overrides: Partial<CandidListRequest> = {}): CandidListRequest => ({
  search: [],
  owner: [],
  cursor: [],
  limit: [],
  ...overrides,
});

type Result<T> = { ok: T } | { err: CandidDirectoryError };

/** The value of a result, failing the test with the error otherwise. */
function ok<T>(result: Result<T>): T {
  if ('err' in result) {
    throw new Error(
      `expected ok, got ${JSON.stringify(result.err, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`,
    );
  }
  return result.ok;
}

/** The error of a result, failing the test on success. */
function err(result: Result<unknown>): CandidDirectoryError {
  if ('ok' in result) {
    throw new Error('expected an error');
  }
  return result.err;
}

const namesOf = (page: CandidListingPage) => page.listings.map((listing) => listing.name);

/** Every page of a listing, following the cursor. */
async function allPages(
  actor: ActorSubclass<DirectoryService>,
  overrides: Partial<CandidListRequest> = {},
): Promise<CandidListingPage[]> {
  const pages = [ok(await actor.list_listings(request(overrides)))];
  for (let next = pages[0]?.next_cursor; next?.length === 1;) {
    const page = ok(await actor.list_listings(request({ ...overrides, cursor: next })));
    pages.push(page);
    next = page.next_cursor;
  }
  return pages;
}

const millions = (instructions: bigint) => `${(Number(instructions) / 1e6).toFixed(1)} M`;

describe('directory canister on the replica', () => {
  let net: TestNetwork;
  let directoryId: Principal;
  let meter: InstructionMeter;

  const actor = async (identity: Identity): Promise<ActorSubclass<DirectoryService>> =>
    Actor.createActor<DirectoryService>(contractIdlFactory, {
      agent: await net.agent(identity),
      canisterId: directoryId,
    });

  let asController: ActorSubclass<DirectoryService>;
  let asAlice: ActorSubclass<DirectoryService>;
  let asBob: ActorSubclass<DirectoryService>;
  let asAnonymous: ActorSubclass<DirectoryService>;

  beforeAll(async () => {
    if (!existsSync(WASM)) {
      throw new Error(`${WASM.pathname} is missing: run \`node tools/build-canisters.mjs\`.`);
    }
    net = await startTestNetwork();
    directoryId = await net.deploy(controller, new Uint8Array(readFileSync(WASM)));
    meter = meterInstructions(net, directoryId);
    [asController, asAlice, asBob, asAnonymous] = await Promise.all([
      actor(controller),
      actor(alice),
      actor(bob),
      actor(new AnonymousIdentity()),
    ]);
  }, 120_000);
  afterAll(() => net?.close());

  it('starts empty and returns its limits', async () => {
    expect(await asAnonymous.stats()).toEqual({ listings: 0, owners: 0 });
    expect(await asBob.limits()).toEqual({
      name_chars: 64,
      description_chars: 500,
      backends: 16,
      backend_name_chars: 64,
      icon_bytes: 8_192,
      listings_per_owner: 100,
      listings_total: 10_000,
      page_max: 100,
      page_default: 20,
      search_chars: 200,
      search_words: 8,
    });
  });

  it('lists a dApp for its first caller and lets anyone read it; the owner updates it', async () => {
    const release = { id: 3n, time_ns: 1_700_000_000_000_000_000n, files: 12n, bytes: 34_567n };
    const created = ok(
      await asAlice.upsert_listing(
        input({
          name: '  Notes 🙂 ',
          description: 'Line one\nline "two"',
          last_release: [release],
        }),
      ),
    );
    expect(created).toMatchObject({ name: 'Notes 🙂', version: 1n, last_release: [release] });
    expect(created.owner.toText()).toBe(alice.getPrincipal().toText());
    expect(created.created_at).toBe(created.updated_at);
    expect(Number(created.created_at / 1_000_000n)).toBeGreaterThan(Date.now() - 60_000);
    for (const reader of [asAlice, asBob, asAnonymous]) {
      expect(ok(await reader.get_listing(created.frontend))).toEqual(created);
    }

    const updated = ok(
      await asAlice.upsert_listing(
        input({ frontend: created.frontend, name: 'Notes 2', backends: [], icon: [] }),
      ),
    );
    expect(updated).toMatchObject({
      name: 'Notes 2',
      backends: [],
      icon: [],
      last_release: [release],
      version: 2n,
      created_at: created.created_at,
    });
    expect(updated.owner).toEqual(created.owner);
    expect(updated.updated_at).toBeGreaterThan(created.updated_at);
    expect(err(await asAnonymous.get_listing(newCanister()))).toHaveProperty('not_found');
  });

  it('refuses the anonymous caller and anyone but the owner', async () => {
    const listing = ok(await asAlice.upsert_listing(input({ name: 'Alice’s' })));
    const { frontend } = listing;
    expect(err(await asAnonymous.upsert_listing(input()))).toEqual({ anonymous: null });
    expect(err(await asAnonymous.remove_listing(frontend))).toEqual({ anonymous: null });
    expect(err(await asBob.upsert_listing(input({ frontend, name: 'Bob’s now' })))).toEqual({
      not_owner: { frontend },
    });
    expect(err(await asBob.remove_listing(frontend))).toEqual({ not_owner: { frontend } });
    expect(ok(await asBob.get_listing(frontend))).toEqual(listing);
  });

  it('lets the owner remove a listing, and a controller remove any (moderation)', async () => {
    const own = ok(await asBob.upsert_listing(input({ name: 'short-lived' })));
    expect(await asBob.remove_listing(own.frontend)).toEqual({ ok: null });
    expect(err(await asBob.get_listing(own.frontend))).toEqual({
      not_found: { frontend: own.frontend },
    });
    const spam = ok(await asBob.upsert_listing(input({ name: 'spam' })));
    expect(await asController.remove_listing(spam.frontend)).toEqual({ ok: null });
    expect(err(await asAnonymous.get_listing(spam.frontend))).toHaveProperty('not_found');
    expect(err(await asController.remove_listing(spam.frontend))).toHaveProperty('not_found');
    // Removed, the frontend can be listed again, by anyone.
    expect(ok(await asAlice.upsert_listing(input({ frontend: spam.frontend }))).version).toBe(1n);
  });

  it('refuses bad input with the field, the oversized outright, and keeps serving', async () => {
    const cases: [Partial<CandidListingInput>, string, string][] = [
      [{ name: ' ' }, 'name', 'name must be 1 to 64 characters long once trimmed; it has 0'],
      [{ description: 'x'.repeat(501) }, 'description', 'it has 501'],
      [{ icon: ['http://example.com/i.png'] }, 'icon', 'an https:// URL or a data:image/… URL'],
      [{ icon: ['//evil.example/i.png'] }, 'icon', "path on the dApp's origin"],
      [{ icon: [`data:image/png;base64,${'A'.repeat(9_000)}`] }, 'icon', 'at most 8,192 bytes'],
      [{ frontend: alice.getPrincipal() }, 'frontend', 'must be a canister id'],
      [
        { backends: Array.from({ length: 17 }, (_, i) => ({ name: `b${i}`, id: newCanister() })) },
        'backends',
        'at most 16',
      ],
    ];
    for (const [overrides, field, message] of cases) {
      expect(err(await asAlice.upsert_listing(input(overrides)))).toEqual({
        invalid: { field, message: expect.stringContaining(message) },
      });
    }
    expect(err(await asAlice.list_listings(request({ search: ['x'.repeat(201)] })))).toEqual({
      invalid: { field: 'search', message: 'search must be at most 200 characters long' },
    });
    await expect(
      asAlice.upsert_listing(input({ description: 'x'.repeat(3_000_000) })),
    ).rejects.toThrow();
    expect(ok(await asAlice.upsert_listing(input({ name: 'still here' }))).name).toBe('still here');
  });

  it('searches and pages by name, then frontend id, without repeats', async () => {
    // Words with a 9 or a 1, which principals as text never have (base32 uses 2 to 7).
    const carolIdentity = Ed25519KeyIdentity.generate();
    const carol = await actor(carolIdentity);
    const names = Array.from(
      { length: 45 },
      (_, i) => `${i % 3 ? 'Chess9' : 'Go9'} ${String(i).padStart(2, '0')}`,
    );
    await Promise.all(names.map((name) => carol.upsert_listing(input({ name }))));
    const go = names.filter((name) => name.startsWith('Go9')).sort();
    const pages = await allPages(asAnonymous, { search: ['gO9'], limit: [4] });
    expect(pages.map((page) => page.listings.length)).toEqual([4, 4, 4, 3]);
    expect(pages.flatMap(namesOf)).toEqual(go);
    const everything = (await allPages(asAnonymous, { limit: [7] })).flatMap(
      (page) => page.listings,
    );
    const keys = everything.map((l) => `${l.name.toLowerCase()}\u0000${l.frontend.toText()}`);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toBe(keys.length);
    expect(everything.length).toBe((await asAnonymous.stats()).listings);
    const chess = await allPages(asAnonymous, {
      search: ['chess9 1'],
      owner: [carolIdentity.getPrincipal()],
    });
    expect(chess.flatMap(namesOf)).toEqual(
      names.filter((n) => n.startsWith('Chess9') && n.includes('1')).sort(),
    );
    expect(
      ok(
        await asAnonymous.list_listings(
          request({ search: ['go9'], owner: [alice.getPrincipal()] }),
        ),
      ).listings,
    ).toEqual([]);
    const [frontendOfGo] = pages[0]!.listings;
    expect(
      namesOf(
        ok(await asBob.list_listings(request({ search: [frontendOfGo!.frontend.toText()] }))),
      ),
    ).toEqual([frontendOfGo!.name]);
  });

  it('caps listings per owner, and pages 100 full listings with search far below the query limit', async () => {
    const writer = await actor(Ed25519KeyIdentity.generate());
    const full = (i: number) =>
      input({
        name: `Full8 ${String(i).padStart(3, '0')} ${'n'.repeat(54)}`,
        description: `A dApp with every field at its limit. ${'d'.repeat(500)}`.slice(0, 500),
        backends: Array.from({ length: 16 }, (_, b) => ({
          name: `backend-${b}`,
          id: newCanister(),
        })),
        icon: [`data:image/png;base64,${'A'.repeat(8_168)}`],
        last_release: [{ id: BigInt(i), time_ns: 1n, files: 40n, bytes: 1_000_000n }],
      });
    const created = await Promise.all(
      Array.from({ length: 100 }, (_, i) => writer.upsert_listing(full(i))),
    );
    created.forEach((result) => ok(result));
    const createCost = meter.last('upsert_listing');
    const first = ok(created[0] as Result<CandidListing>);
    ok(await writer.upsert_listing({ ...full(0), frontend: first.frontend }));
    const updateCost = meter.last('upsert_listing');
    expect(err(await writer.upsert_listing(full(100)))).toEqual({
      quota_exceeded: { scope: { owner: null }, limit: 100n },
    });

    ok(await writer.remove_listing(first.frontend));
    const small = ok(await writer.upsert_listing(input({ name: 'small' })));
    const smallCost = meter.last('upsert_listing');
    ok(await writer.remove_listing(small.frontend));
    ok(await writer.upsert_listing({ ...full(0), frontend: first.frontend }));
    ok(await asAnonymous.get_listing(first.frontend));
    const getCost = meter.last('get_listing');
    const page20 = ok(await asAnonymous.list_listings(request({ search: ['full8'], limit: [20] })));
    const list20Cost = meter.last('list_listings');
    const page100 = ok(
      await asAnonymous.list_listings(request({ search: ['FULL8 dapp'], limit: [100] })),
    );
    const list100Cost = meter.last('list_listings');
    ok(await asAnonymous.list_listings(request({ search: ['no-such-dapp'], limit: [100] })));
    const missCost = meter.last('list_listings');
    expect(page20.listings).toHaveLength(20);
    expect(page100.listings).toHaveLength(100);
    expect(page100.next_cursor).toEqual([]);
    expect(page100.listings[0]?.icon[0]).toHaveLength(8_190);

    const listings = (await asAnonymous.stats()).listings;
    console.log(
      `instructions, listings at every limit (${listings} in the directory): upsert (create) ` +
        `${millions(createCost)}, upsert (update) ${millions(updateCost)}, upsert (one backend, ` +
        `path icon) ${millions(smallCost)}, get ${millions(getCost)}, ` +
        `search page of 20 ${millions(list20Cost)}, search page of 100 ${millions(list100Cost)}, ` +
        `search matching none ${millions(missCost)} (query limit ${millions(QUERY_LIMIT)})`,
    );
    expect(list100Cost).toBeLessThan(QUERY_LIMIT / 50n);
    expect(createCost).toBeLessThan(100_000_000n);
  });

  it('keeps every listing, owner and rule across an upgrade', async () => {
    const snapshot = async () =>
      (await allPages(asAnonymous, { limit: [100] })).flatMap((p) => p.listings);
    const before = await snapshot();
    const stats = await asAnonymous.stats();

    await (
      await net.management(controller)
    ).install_code({
      mode: { upgrade: [] },
      canister_id: directoryId,
      wasm_module: new Uint8Array(readFileSync(WASM)),
      arg: new Uint8Array(IDL.encode([], [])),
      sender_canister_version: [],
    });
    meter.attach();

    expect(await snapshot()).toEqual(before);
    expect(await asAnonymous.stats()).toEqual(stats);
    const alices = before.find(
      (l) => l.owner.toText() === alice.getPrincipal().toText(),
    ) as CandidListing;
    expect(err(await asBob.upsert_listing(input({ frontend: alices.frontend })))).toEqual({
      not_owner: { frontend: alices.frontend },
    });
    const next = ok(
      await asAlice.upsert_listing(input({ frontend: alices.frontend, name: 'after' })),
    );
    expect(next.version).toBe(alices.version + 1n);
    expect(await asController.remove_listing(alices.frontend)).toEqual({ ok: null });
  });
});
