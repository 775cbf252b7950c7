import { HttpFetchErrorCode, TransportError } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { describe, expect, it, vi } from 'vitest';
import { createDirectoryApi } from './directory-api';
import type { DirectoryActor, WireListing } from './directory-idl';

const FRONTEND = Principal.fromText('qoctq-giaaa-aaaaa-aaaea-cai');
const BACKEND = Principal.fromText('qhbym-qaaaa-aaaaa-aaafq-cai');
const OWNER = Principal.fromText('fo76k-ecero-uccwk-zx7jh-w5c7w-4uo7t-y5j4z-m7fiq-z6sgk-vobym-cae');

const WIRE: WireListing = {
  frontend: FRONTEND,
  name: 'Notes',
  description: 'Notes kept on chain.',
  backends: [{ name: 'backend', id: BACKEND }],
  owner: OWNER,
  icon: ['/icon.svg'],
  last_release: [{ id: 4n, time_ns: 9n, files: 3n, bytes: 100n }],
  created_at: 1n,
  updated_at: 2n,
  version: 1n,
};

function actor(overrides: Partial<DirectoryActor> = {}): DirectoryActor {
  return {
    list_listings: vi.fn(async () => ({ ok: { listings: [WIRE], next_cursor: ['next'] } })),
    get_listing: vi.fn(async () => ({ ok: WIRE })),
    ...overrides,
  } as DirectoryActor;
}

describe('createDirectoryApi', () => {
  it('lists with the search and cursor as opts, and maps listings to text ids', async () => {
    const directory = actor();
    const result = await createDirectoryApi(directory).listListings({
      search: 'notes',
      cursor: 'c1',
    });
    expect(directory.list_listings).toHaveBeenCalledWith({
      search: ['notes'],
      owner: [],
      cursor: ['c1'],
      limit: [],
    });
    expect(result).toEqual({
      ok: true,
      value: {
        nextCursor: 'next',
        listings: [
          {
            frontend: FRONTEND.toText(),
            name: 'Notes',
            description: 'Notes kept on chain.',
            backends: [{ name: 'backend', id: BACKEND.toText() }],
            owner: OWNER.toText(),
            icon: '/icon.svg',
            lastRelease: { id: 4n, timeNs: 9n },
            updatedAtNs: 2n,
          },
        ],
      },
    });
  });

  it('sends empty opts for the whole directory', async () => {
    const directory = actor();
    await createDirectoryApi(directory).listListings({});
    expect(directory.list_listings).toHaveBeenCalledWith({
      search: [],
      owner: [],
      cursor: [],
      limit: [],
    });
  });

  it('maps the directory’s error variant', async () => {
    const directory = actor({
      list_listings: vi.fn(async () => ({
        err: { invalid: { field: 'search', message: 'too many words' } },
      })),
      get_listing: vi.fn(async () => ({ err: { not_found: { frontend: FRONTEND } } })),
    });
    const api = createDirectoryApi(directory);
    expect(await api.listListings({ search: 'a b c' })).toEqual({
      ok: false,
      error: { kind: 'invalid', field: 'search', message: 'too many words' },
    });
    expect(await api.getListing(FRONTEND.toText())).toEqual({
      ok: false,
      error: { kind: 'not_found', frontend: FRONTEND.toText() },
    });
  });

  it('maps a thrown agent error', async () => {
    const directory = actor({
      get_listing: vi.fn(async () => {
        throw TransportError.fromCode(new HttpFetchErrorCode(new Error('ECONNREFUSED')));
      }),
    });
    const result = await createDirectoryApi(directory).getListing(FRONTEND.toText());
    expect(result).toMatchObject({ ok: false, error: { kind: 'unreachable' } });
  });

  it('reads one listing by its frontend id', async () => {
    const directory = actor();
    const result = await createDirectoryApi(directory).getListing(FRONTEND.toText());
    expect(directory.get_listing).toHaveBeenCalledWith(FRONTEND);
    expect(result).toMatchObject({ ok: true, value: { name: 'Notes', icon: '/icon.svg' } });
  });
});
