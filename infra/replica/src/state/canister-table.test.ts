import { principalToText } from '@citadel/protocol';
import { describe, expect, it } from 'vitest';
import { CanisterTable } from './canister-table.js';

const owner = Uint8Array.of(1, 2, 3);

describe('CanisterTable', () => {
  it('hands out canister ids in order starting at rwlgt-iiaaa-aaaaa-aaaaa-cai', () => {
    const table = new CanisterTable();
    const first = table.create({ controllers: [owner], cyclesBalance: 1n, nowNs: 0n });
    const second = table.create({ controllers: [owner], cyclesBalance: 1n, nowNs: 0n });
    expect(first.idText).toBe('rwlgt-iiaaa-aaaaa-aaaaa-cai');
    expect(second.idText).toBe('rrkah-fqaaa-aaaaa-aaaaq-cai');
  });

  it('never reuses the id of a deleted canister', () => {
    const table = new CanisterTable();
    const first = table.create({ controllers: [owner], cyclesBalance: 1n, nowNs: 0n });
    table.delete(first.id);
    expect(table.isUsed(first.id)).toBe(true);
    const next = table.create({ controllers: [owner], cyclesBalance: 1n, nowNs: 0n });
    expect(principalToText(next.id)).not.toBe(first.idText);
  });

  it('skips an index taken by a specified id', () => {
    const table = new CanisterTable();
    const taken = table.create({
      controllers: [owner],
      cyclesBalance: 1n,
      nowNs: 0n,
      specifiedId: new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 1, 1]),
    });
    expect(taken.idText).toBe('rwlgt-iiaaa-aaaaa-aaaaa-cai');
    const next = table.create({ controllers: [owner], cyclesBalance: 1n, nowNs: 0n });
    expect(next.idText).toBe('rrkah-fqaaa-aaaaa-aaaaq-cai');
  });
});
