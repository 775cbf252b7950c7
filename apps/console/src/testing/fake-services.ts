/** {@link ConsoleServices} for component tests: every method a `vi.fn`, answering success by default. */
import { vi, type Mock } from 'vitest';
import type { ConsoleError, ConsoleResult } from '../lib/console-error';
import type { ConsoleServices } from '../lib/console-services';
import type { DirectoryApi } from '../lib/directory-api';
import { makeAssetStats, makeListing, makeRelease, makeStatus } from './make-listing';

type Mocked<T> = {
  [Method in keyof T]: T[Method] extends (...args: never[]) => unknown
    ? Mock<T[Method]>
    : T[Method];
};

/** Fake services whose methods are mocks. */
export type FakeServices = Omit<Mocked<ConsoleServices>, 'directory'> & {
  readonly directory: Mocked<DirectoryApi>;
};

/** The overrides {@link createFakeServices} takes. */
export type FakeServicesOverrides = Partial<Omit<ConsoleServices, 'directory'>> & {
  readonly directory?: Partial<DirectoryApi>;
};

/**
 * Fake services: one listed dApp, a certified status, two releases and asset counts;
 * `overrides` replaces any method.
 */
export function createFakeServices(overrides: FakeServicesOverrides = {}): FakeServices {
  return {
    directory: {
      listListings: vi.fn(
        overrides.directory?.listListings ??
          (async () => ok({ listings: [makeListing()], nextCursor: undefined })),
      ),
      getListing: vi.fn(overrides.directory?.getListing ?? (async () => ok(makeListing()))),
    },
    readCanisterStatus: vi.fn(overrides.readCanisterStatus ?? (async () => ok(makeStatus()))),
    verifyCertificate: vi.fn(
      overrides.verifyCertificate ?? (async () => ok(makeStatus().certifiedAt)),
    ),
    listReleases: vi.fn(
      overrides.listReleases ??
        (async () => ok([makeRelease({ id: 2n, current: true }), makeRelease({ id: 1n })])),
    ),
    readAssetStats: vi.fn(overrides.readAssetStats ?? (async () => ok(makeAssetStats()))),
  };
}

/** A successful result. */
export function ok<T>(value: T): ConsoleResult<T> {
  return { ok: true, value };
}

/** A failed result. */
export function err<T>(error: ConsoleError): ConsoleResult<T> {
  return { ok: false, error };
}
