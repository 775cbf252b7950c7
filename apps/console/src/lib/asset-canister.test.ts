import { Principal } from '@dfinity/principal';
import { describe, expect, it, vi } from 'vitest';
import type { AssetsActor, WireAssetDetails, WireRelease } from './assets-idl';
import type { Opt } from './directory-idl';
import { LIST_PAGE_ASSETS, listReleases, readAssetStats } from './asset-canister';

const COMMITTER = Principal.fromText(
  'fo76k-ecero-uccwk-zx7jh-w5c7w-4uo7t-y5j4z-m7fiq-z6sgk-vobym-cae',
);

function wireRelease(overrides: Partial<WireRelease> = {}): WireRelease {
  return {
    id: 1n,
    time_ns: 1n,
    committer: COMMITTER,
    files: 3n,
    bytes: 300n,
    current: false,
    rollback_of: [],
    ...overrides,
  };
}

function asset(key: string, ...encodings: [string, bigint][]): WireAssetDetails {
  return {
    key,
    content_type: 'text/html',
    encodings: encodings.map(([content_encoding, length]) => ({ content_encoding, length })),
  };
}

/** An actor over `assets`, paging `list` as the Citadel canister does. */
function actorOver(
  assets: WireAssetDetails[],
  current: WireRelease | undefined | 'missing' = undefined,
): AssetsActor {
  return {
    list_releases: vi.fn(async () => []),
    current_release: vi.fn(async (): Promise<Opt<WireRelease>> => {
      if (current === 'missing') {
        throw new Error('Canister has no query method current_release');
      }
      return current === undefined ? [] : [current];
    }),
    list: vi.fn(async ({ start, length }) => {
      const from = Number(start[0] ?? 0n);
      return assets.slice(from, from + Number(length[0] ?? BigInt(assets.length)));
    }),
  };
}

describe('listReleases', () => {
  it('returns the releases newest first, with their rollback origin', async () => {
    const actor = actorOver([]);
    vi.mocked(actor.list_releases).mockResolvedValue([
      wireRelease({ id: 1n }),
      wireRelease({ id: 3n, current: true, rollback_of: [1n] }),
      wireRelease({ id: 2n }),
    ]);
    const releases = await listReleases(actor);
    expect(releases.map((release) => release.id)).toEqual([3n, 2n, 1n]);
    expect(releases[0]).toMatchObject({
      current: true,
      rollbackOf: 1n,
      committer: COMMITTER.toText(),
    });
  });
});

describe('readAssetStats', () => {
  it('takes the counts of the current release in one query', async () => {
    const actor = actorOver([], wireRelease({ files: 42n, bytes: 123_456n, current: true }));
    expect(await readAssetStats(actor)).toEqual({ files: 42n, bytes: 123_456n, source: 'release' });
    expect(actor.list).not.toHaveBeenCalled();
  });

  it('sums identity encodings over pages of 200 when there is no current release', async () => {
    const assets = Array.from({ length: 450 }, (_, index) =>
      asset(`/f${index}`, ['gzip', 5n], ['identity', 10n]),
    );
    const actor = actorOver(assets);
    expect(await readAssetStats(actor)).toEqual({ files: 450n, bytes: 4_500n, source: 'list' });
    expect(vi.mocked(actor.list).mock.calls.map(([args]) => args.start[0])).toEqual([
      0n,
      200n,
      400n,
    ]);
    expect(vi.mocked(actor.list).mock.calls[0]?.[0].length).toEqual([BigInt(LIST_PAGE_ASSETS)]);
  });

  it('counts an asset stored only compressed by its largest encoding', async () => {
    const actor = actorOver([asset('/a.js', ['gzip', 40n], ['br', 30n])]);
    expect(await readAssetStats(actor)).toMatchObject({ files: 1n, bytes: 40n });
  });

  it('falls back to list for a canister without releases', async () => {
    const actor = actorOver([asset('/index.html', ['identity', 7n])], 'missing');
    expect(await readAssetStats(actor)).toEqual({ files: 1n, bytes: 7n, source: 'list' });
  });

  it('stops on a canister that ignores start and length', async () => {
    const assets = Array.from({ length: LIST_PAGE_ASSETS }, (_, index) =>
      asset(`/f${index}`, ['identity', 1n]),
    );
    const actor = actorOver([]);
    vi.mocked(actor.list).mockResolvedValue(assets);
    expect(await readAssetStats(actor)).toMatchObject({ files: 200n, bytes: 200n });
    expect(actor.list).toHaveBeenCalledTimes(2);
  });

  it('counts an empty canister as nothing', async () => {
    expect(await readAssetStats(actorOver([]))).toEqual({ files: 0n, bytes: 0n, source: 'list' });
  });
});
