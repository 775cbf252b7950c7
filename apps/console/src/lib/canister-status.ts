/**
 * What the network itself certifies about a canister: its module hash, its controllers, and
 * the time the certificate was signed. Read with `read_state` through the agent, which checks
 * the certificate's BLS signature against the network's root key (and, with a delegation,
 * that the subnet may speak for the canister) before a value is used.
 * @see https://internetcomputer.org/docs/references/ic-interface-spec#state-tree-canister-information
 */
import { CanisterStatus as AgentCanisterStatus, type HttpAgent } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { formatModuleHash } from './format';

/** A canister's certified state. */
export interface CanisterStatus {
  /** SHA-256 of the installed Wasm module as hex; undefined when no module is installed. */
  readonly moduleHash: string | undefined;
  /** Undefined when the certificate did not include them. */
  readonly controllers: readonly string[] | undefined;
  /** The certificate's own time: when the network signed it. */
  readonly certifiedAt: Date;
}

/** The paths the console reads, `time` last so its absence tells a failed read. */
export type StatusPath = 'module_hash' | 'controllers' | 'time';

/** The agent's `CanisterStatus.request` map, as far as the console reads it. */
export type StatusMap = ReadonlyMap<unknown, unknown>;

/** Reads `paths` of `canisterId` from a verified certificate; throws when verification fails. */
export type RequestStatus = (canisterId: string, paths: StatusPath[]) => Promise<StatusMap>;

/** Why a status map holds no certified answer. */
export class UncertifiedStatusError extends Error {
  override readonly name = 'UncertifiedStatusError';
  constructor(readonly canisterId: string) {
    super(`The network gave no certified state for ${canisterId}.`);
  }
}

/** {@link RequestStatus} with `agent`: the agent's `CanisterStatus.request`. */
export function createRequestStatus(agent: HttpAgent): RequestStatus {
  return (canisterId, paths) =>
    AgentCanisterStatus.request({ canisterId: Principal.fromText(canisterId), agent, paths });
}

/**
 * The certificate's time in a status map, if it holds one. `CanisterStatus.request` sets a
 * path it could not read to null instead of throwing (it throws only for a certificate that
 * fails verification), so a missing time means the read itself failed.
 */
export function certificateTimeOf(map: StatusMap): Date | undefined {
  const time = map.get('time');
  return time instanceof Date && !Number.isNaN(time.getTime()) ? time : undefined;
}

/** The status in `map`, read for `canisterId`. */
export function fromStatusMap(canisterId: string, map: StatusMap): CanisterStatus {
  const certifiedAt = certificateTimeOf(map);
  if (certifiedAt === undefined) {
    throw new UncertifiedStatusError(canisterId);
  }
  const hash = map.get('module_hash');
  const controllers = map.get('controllers');
  return {
    // A canister with no module has no module_hash path: the agent gives null.
    moduleHash:
      typeof hash === 'string' || hash instanceof Uint8Array ? formatModuleHash(hash) : undefined,
    controllers: Array.isArray(controllers)
      ? controllers.map((controller: unknown) => String(controller))
      : undefined,
    certifiedAt,
  };
}

/** Reads `canisterId`'s module hash and controllers, and the certificate's time. */
export async function readCanisterStatus(
  request: RequestStatus,
  canisterId: string,
): Promise<CanisterStatus> {
  return fromStatusMap(
    canisterId,
    await request(canisterId, ['module_hash', 'controllers', 'time']),
  );
}

/**
 * Checks that the network answers for `canisterId` with a certificate that verifies against
 * its root key, and returns when the certificate was signed.
 */
export async function verifyCertificate(request: RequestStatus, canisterId: string): Promise<Date> {
  const time = certificateTimeOf(await request(canisterId, ['time']));
  if (time === undefined) {
    throw new UncertifiedStatusError(canisterId);
  }
  return time;
}
