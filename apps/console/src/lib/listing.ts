/** The console's view of a directory listing and of a frontend's releases. */
import type { WireListing } from './directory-idl';
import type { WireRelease } from './assets-idl';

/** A backend canister of a dApp, as its owner named it. */
export interface DappBackend {
  readonly name: string;
  readonly id: string;
}

/** A dApp listed in the directory, keyed by its frontend canister id. */
export interface DappListing {
  readonly frontend: string;
  readonly name: string;
  readonly description: string;
  readonly backends: readonly DappBackend[];
  readonly owner: string;
  /** A path on the dApp's origin, or an https/data URL (see `iconSrcOf`). */
  readonly icon: string | undefined;
  /** The release the owner last listed, as the owner reported it (not certified). */
  readonly lastRelease: { readonly id: bigint; readonly timeNs: bigint } | undefined;
  readonly updatedAtNs: bigint;
}

/** One release of a frontend asset canister, as the canister itself reports it. */
export interface Release {
  readonly id: bigint;
  readonly timeNs: bigint;
  readonly committer: string;
  readonly files: bigint;
  readonly bytes: bigint;
  /** The latest release, with no change since. */
  readonly current: boolean;
  /** For a rollback: the release whose content it restored. */
  readonly rollbackOf: bigint | undefined;
}

/** The console's listing from the directory's record. */
export function fromWireListing(wire: WireListing): DappListing {
  const [release] = wire.last_release;
  return {
    frontend: wire.frontend.toText(),
    name: wire.name,
    description: wire.description,
    backends: wire.backends.map(({ name, id }) => ({ name, id: id.toText() })),
    owner: wire.owner.toText(),
    icon: wire.icon[0],
    lastRelease: release === undefined ? undefined : { id: release.id, timeNs: release.time_ns },
    updatedAtNs: wire.updated_at,
  };
}

/** The console's release from the asset canister's record. */
export function fromWireRelease(wire: WireRelease): Release {
  return {
    id: wire.id,
    timeNs: wire.time_ns,
    committer: wire.committer.toText(),
    files: wire.files,
    bytes: wire.bytes,
    current: wire.current,
    rollbackOf: wire.rollback_of[0],
  };
}
