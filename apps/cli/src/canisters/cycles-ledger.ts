import { Actor, type ActorSubclass, type Agent } from '@dfinity/agent';
import type { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { CliErrorCode, createCliError } from '../errors.js';

/**
 * Creating canisters on ICP mainnet with the cycles an identity holds on the cycles ledger
 * (`create_canister`, from the ledger's published interface). A local network grants cycles
 * instead (see `createCanisterWithCycles`).
 */

export const CYCLES_LEDGER_ID = 'um5iw-rqaaa-aaaaq-qaaba-cai';

/**
 * Cycles a new canister gets: the creation fee (0.5 T on a 13-node subnet) leaves it about
 * 1 T to run on, enough for a site's first months.
 */
export const CYCLES_PER_CANISTER = 1_500_000_000_000n;

type Opt<T> = [] | [T];

type CreateCanisterError =
  | { InsufficientFunds: { balance: bigint } }
  | { TooOld: null }
  | { CreatedInFuture: { ledger_time: bigint } }
  | { TemporarilyUnavailable: null }
  | { Duplicate: { duplicate_of: bigint; canister_id: Opt<Principal> } }
  | { FailedToCreate: { fee_block: Opt<bigint>; refund_block: Opt<bigint>; error: string } }
  | { GenericError: { message: string; error_code: bigint } };

export interface CyclesLedger {
  icrc1_balance_of(account: { owner: Principal; subaccount: Opt<Uint8Array> }): Promise<bigint>;
  create_canister(args: {
    from_subaccount: Opt<Uint8Array>;
    created_at_time: Opt<bigint>;
    amount: bigint;
    creation_args: Opt<{
      settings: Opt<{
        controllers: Opt<Principal[]>;
        compute_allocation: Opt<bigint>;
        memory_allocation: Opt<bigint>;
        freezing_threshold: Opt<bigint>;
        reserved_cycles_limit: Opt<bigint>;
      }>;
      subnet_selection: Opt<never>;
    }>;
  }): Promise<{ Ok: { block_id: bigint; canister_id: Principal } } | { Err: CreateCanisterError }>;
}

export const cyclesLedgerIdl: IDL.InterfaceFactory = ({ IDL: I }) => {
  const Account = I.Record({ owner: I.Principal, subaccount: I.Opt(I.Vec(I.Nat8)) });
  const CanisterSettings = I.Record({
    controllers: I.Opt(I.Vec(I.Principal)),
    compute_allocation: I.Opt(I.Nat),
    memory_allocation: I.Opt(I.Nat),
    freezing_threshold: I.Opt(I.Nat),
    reserved_cycles_limit: I.Opt(I.Nat),
  });
  const SubnetSelection = I.Variant({
    Subnet: I.Record({ subnet: I.Principal }),
    Filter: I.Record({ subnet_type: I.Opt(I.Text) }),
  });
  const CreateCanisterError = I.Variant({
    InsufficientFunds: I.Record({ balance: I.Nat }),
    TooOld: I.Null,
    CreatedInFuture: I.Record({ ledger_time: I.Nat64 }),
    TemporarilyUnavailable: I.Null,
    Duplicate: I.Record({ duplicate_of: I.Nat, canister_id: I.Opt(I.Principal) }),
    FailedToCreate: I.Record({
      fee_block: I.Opt(I.Nat),
      refund_block: I.Opt(I.Nat),
      error: I.Text,
    }),
    GenericError: I.Record({ message: I.Text, error_code: I.Nat }),
  });
  return I.Service({
    icrc1_balance_of: I.Func([Account], [I.Nat], ['query']),
    create_canister: I.Func(
      [
        I.Record({
          from_subaccount: I.Opt(I.Vec(I.Nat8)),
          created_at_time: I.Opt(I.Nat64),
          amount: I.Nat,
          creation_args: I.Opt(
            I.Record({
              settings: I.Opt(CanisterSettings),
              subnet_selection: I.Opt(SubnetSelection),
            }),
          ),
        }),
      ],
      [
        I.Variant({
          Ok: I.Record({ block_id: I.Nat, canister_id: I.Principal }),
          Err: CreateCanisterError,
        }),
      ],
      [],
    ),
  });
};

export function cyclesLedger(agent: Agent): ActorSubclass<CyclesLedger> {
  return Actor.createActor<CyclesLedger>(cyclesLedgerIdl, {
    agent,
    canisterId: Principal.fromText(CYCLES_LEDGER_ID),
  });
}

/** `1.5 TC`, `0.021 TC`. */
export function formatCycles(cycles: bigint): string {
  return `${(Number(cycles) / 1e12).toFixed(cycles < 10_000_000_000n ? 3 : 1)} TC`;
}

/** The cycles `owner` holds on the cycles ledger. */
export async function cyclesBalance(
  ledger: ActorSubclass<CyclesLedger>,
  owner: Principal,
): Promise<bigint> {
  return ledger.icrc1_balance_of({ owner, subaccount: [] });
}

/**
 * A new canister paid from the caller's cycles, controlled by `controllers`. `createdAtNs`
 * makes a retried call a duplicate the ledger answers with the same canister.
 */
export async function createCanisterFromCycles(
  ledger: ActorSubclass<CyclesLedger>,
  options: {
    readonly controllers: readonly Principal[];
    readonly amount?: bigint;
    readonly createdAtNs: bigint;
  },
): Promise<Principal> {
  const amount = options.amount ?? CYCLES_PER_CANISTER;
  const result = await ledger.create_canister({
    from_subaccount: [],
    created_at_time: [options.createdAtNs],
    amount,
    creation_args: [
      {
        settings: [
          {
            controllers: [[...options.controllers]],
            compute_allocation: [],
            memory_allocation: [],
            freezing_threshold: [],
            reserved_cycles_limit: [],
          },
        ],
        subnet_selection: [],
      },
    ],
  });
  if ('Ok' in result) {
    return result.Ok.canister_id;
  }
  const error = result.Err;
  if ('Duplicate' in error && error.Duplicate.canister_id.length === 1) {
    return error.Duplicate.canister_id[0];
  }
  if ('InsufficientFunds' in error) {
    throw createCliError(
      CliErrorCode.CYCLES_INSUFFICIENT,
      `Creating a canister takes ${formatCycles(amount)} and the identity holds ${formatCycles(error.InsufficientFunds.balance)} on the cycles ledger: top it up (for example \`dfx cycles convert\` or a cycles faucet) and deploy again.`,
      { balance: error.InsufficientFunds.balance.toString(), amount: amount.toString() },
    );
  }
  const [kind = 'unknown'] = Object.keys(error);
  const detail =
    'FailedToCreate' in error
      ? error.FailedToCreate.error
      : 'GenericError' in error
        ? error.GenericError.message
        : kind;
  throw createCliError(
    CliErrorCode.CANISTER_CREATION_FAILED,
    `The cycles ledger did not create the canister (${kind}): ${detail}`,
    { kind },
  );
}
