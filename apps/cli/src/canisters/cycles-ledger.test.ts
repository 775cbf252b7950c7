import type { ActorSubclass } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';
import { CliErrorCode } from '../errors.js';
import {
  CYCLES_PER_CANISTER,
  type CyclesLedger,
  createCanisterFromCycles,
  cyclesLedgerIdl,
  formatCycles,
} from './cycles-ledger.js';

const owner = Principal.fromText('2vxsx-fae');
const created = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');

type CreateArgs = Parameters<CyclesLedger['create_canister']>[0];
type CreateResult = Awaited<ReturnType<CyclesLedger['create_canister']>>;

/** A ledger answering `result`; the calls it got, Candid-encoded and decoded as the wire would. */
function ledgerAnswering(result: CreateResult) {
  const calls: CreateArgs[] = [];
  const service = cyclesLedgerIdl({ IDL }) as IDL.ServiceClass;
  const [, create] = service._fields.find(([name]) => name === 'create_canister') ?? [];
  const ledger = {
    async create_canister(args: CreateArgs): Promise<CreateResult> {
      // Through Candid both ways: the shapes must be the interface's.
      const [decoded] = IDL.decode(
        create?.argTypes ?? [],
        IDL.encode(create?.argTypes ?? [], [args]),
      );
      calls.push(decoded as CreateArgs);
      const [answer] = IDL.decode(
        create?.retTypes ?? [],
        IDL.encode(create?.retTypes ?? [], [result]),
      );
      return answer as CreateResult;
    },
  };
  return { ledger: ledger as unknown as ActorSubclass<CyclesLedger>, calls };
}

describe('createCanisterFromCycles', () => {
  it('asks for a canister controlled by the identity, paid with CYCLES_PER_CANISTER, deduplicated by time', async () => {
    const { ledger, calls } = ledgerAnswering({ Ok: { block_id: 7n, canister_id: created } });
    const id = await createCanisterFromCycles(ledger, { controllers: [owner], createdAtNs: 42n });
    expect(id.toText()).toBe(created.toText());
    expect(calls).toHaveLength(1);
    expect(calls[0]?.amount).toBe(CYCLES_PER_CANISTER);
    expect(calls[0]?.created_at_time).toEqual([42n]);
    expect(calls[0]?.creation_args[0]?.settings[0]?.controllers[0]?.map((p) => p.toText())).toEqual(
      [owner.toText()],
    );
  });

  it('takes the canister of a duplicate call (a retry of one that succeeded)', async () => {
    const { ledger } = ledgerAnswering({
      Err: { Duplicate: { duplicate_of: 3n, canister_id: [created] } },
    });
    const id = await createCanisterFromCycles(ledger, { controllers: [owner], createdAtNs: 1n });
    expect(id.toText()).toBe(created.toText());
  });

  it('says how many cycles are missing with CLI_CYCLES_INSUFFICIENT', async () => {
    const { ledger } = ledgerAnswering({
      Err: { InsufficientFunds: { balance: 200_000_000_000n } },
    });
    await expect(
      createCanisterFromCycles(ledger, { controllers: [owner], createdAtNs: 1n }),
    ).rejects.toMatchObject({
      code: CliErrorCode.CYCLES_INSUFFICIENT,
      message: expect.stringContaining('holds 0.2 TC'),
    });
  });

  it("reports the ledger's other refusals with CLI_CANISTER_CREATION_FAILED and its reason", async () => {
    const { ledger } = ledgerAnswering({
      Err: { FailedToCreate: { fee_block: [], refund_block: [9n], error: 'subnet is full' } },
    });
    await expect(
      createCanisterFromCycles(ledger, { controllers: [owner], createdAtNs: 1n }),
    ).rejects.toMatchObject({
      code: CliErrorCode.CANISTER_CREATION_FAILED,
      message: expect.stringContaining('subnet is full'),
    });
  });
});

describe('formatCycles', () => {
  it('prints trillions of cycles', () => {
    expect(formatCycles(1_500_000_000_000n)).toBe('1.5 TC');
    expect(formatCycles(2_000_000_000n)).toBe('0.002 TC');
  });
});
