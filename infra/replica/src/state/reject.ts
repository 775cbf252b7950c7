/**
 * IC reject codes (interface spec "Reject codes") and the `IC0xxx` error codes the replica
 * attaches to rejects. The first digit of an error code is its reject code.
 */
export const RejectCode = {
  SYS_FATAL: 1,
  SYS_TRANSIENT: 2,
  DESTINATION_INVALID: 3,
  CANISTER_REJECT: 4,
  CANISTER_ERROR: 5,
  SYS_UNKNOWN: 6,
} as const;
export type RejectCode = (typeof RejectCode)[keyof typeof RejectCode];

/** A refusal or failure as the IC reports it to the caller. */
export interface Reject {
  readonly code: RejectCode;
  readonly message: string;
  /** `IC0xxx`; absent only for rejects that a canister produced with `msg_reject` towards another canister. */
  readonly errorCode: string;
}

/** Builds a reject whose reject code is the first digit of the `IC0xxx` error code. */
export function createReject(errorCode: string, message: string): Reject {
  const code = Number(errorCode.charAt(3)) as RejectCode;
  return { code, message, errorCode };
}

/** Error texts the replica produces itself (ic-protocol.md §8.3, resource-limits / execution-errors). */
export const rejects = {
  canisterNotFound: (id: string) => createReject('IC0301', `Canister ${id} not found.`),
  canisterEmpty: (id: string) =>
    createReject(
      'IC0537',
      `Error from Canister ${id}: Attempted to execute a message, but the canister contains no Wasm module.`,
    ),
  methodNotFound: (id: string, kind: 'update' | 'query', method: string) =>
    createReject(
      'IC0536',
      `Error from Canister ${id}: Canister has no ${kind} method '${method}'.`,
    ),
  canisterStopped: (id: string) => createReject('IC0508', `Canister ${id} is stopped.`),
  canisterStopping: (id: string) => createReject('IC0509', `Canister ${id} is stopping.`),
  outOfCycles: (id: string, shortfall: bigint) =>
    createReject(
      'IC0207',
      `Canister ${id} is out of cycles: please top up the canister with at least ${shortfall} additional cycles`,
    ),
  notController: (id: string, caller: string) =>
    createReject(
      'IC0512',
      `Only the controllers of the canister ${id} can control it. Canister's controllers: see canister_status. Sender's ID: ${caller}`,
    ),
  didNotReply: (id: string) =>
    createReject('IC0506', `Error from Canister ${id}: Canister did not reply to the call.`),
  canisterRejected: (message: string) => createReject('IC0406', message),
  unknownManagementMethod: (method: string) =>
    createReject('IC0407', `Management canister has no method '${method}'.`),
  invalidManagementPayload: (method: string, reason: string) =>
    createReject('IC0408', `Error decoding candid for ${method}: ${reason}`),
} as const;
