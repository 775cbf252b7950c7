import { describe, expect, it } from 'vitest';
import { IngressHistory } from './ingress-history.js';
import type { IngressRecord } from './ingress-history.js';
import { createReject } from './reject.js';

const SECOND = 1_000_000_000n;

function record(id: number, expiryNs: bigint, state: IngressRecord['state']): IngressRecord {
  return {
    requestId: new Uint8Array(32).fill(id),
    sender: Uint8Array.of(4),
    receiver: new Uint8Array(10),
    expiryNs,
    state,
    updatedAtNs: 0n,
  };
}

describe('IngressHistory', () => {
  it('recognises a request id it has seen, whatever the array instance', () => {
    const history = new IngressHistory();
    history.add(record(1, 100n * SECOND, { status: 'received' }));
    expect(history.has(new Uint8Array(32).fill(1))).toBe(true);
    expect(history.has(new Uint8Array(32).fill(2))).toBe(false);
  });

  it('turns answers into done once their expiry passed, and keeps them until forgotten', () => {
    const history = new IngressHistory();
    history.add(record(1, 10n * SECOND, { status: 'replied', reply: Uint8Array.of(1) }));
    history.add(
      record(2, 10n * SECOND, { status: 'rejected', reject: createReject('IC0503', 'no') }),
    );
    history.add(record(3, 10n * SECOND, { status: 'processing' }));
    history.add(record(4, 100n * SECOND, { status: 'replied', reply: Uint8Array.of(4) }));
    history.prune(11n * SECOND, 60n * SECOND);
    expect(history.get(new Uint8Array(32).fill(1))?.state.status).toBe('done');
    expect(history.get(new Uint8Array(32).fill(2))?.state.status).toBe('done');
    expect(history.get(new Uint8Array(32).fill(3))?.state.status).toBe('processing');
    expect(history.get(new Uint8Array(32).fill(4))?.state.status).toBe('replied');
    history.prune(71n * SECOND, 60n * SECOND);
    expect(history.has(new Uint8Array(32).fill(1))).toBe(false);
    expect(history.has(new Uint8Array(32).fill(4))).toBe(true);
  });
});
