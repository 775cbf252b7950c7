/**
 * `probe`: the replica's integration-test canister (Azle 0.33, stable mode).
 *
 * One module, deployed as several instances, that exercises one System API feature per method:
 * heap and stable memory, traps and their rollback, queries that must not persist, callers,
 * certified data, inter-canister calls, timers, the management canister and upgrades.
 * Its Candid interface is mirrored by hand in `infra/replica/src/integration/probe.ts`.
 */
import type { CallRejected, Principal } from 'azle';
import {
  IDL,
  StableBTreeMap,
  StableJson,
  call,
  canisterCycleBalance,
  certifiedDataSet,
  dataCertificate,
  init,
  msgCaller,
  performanceCounter,
  postUpgrade,
  query,
  setTimer,
  trap,
  update,
} from 'azle';

/** Greeting when the install argument carries none. */
const DEFAULT_GREETING = 'hello from probe';

/** Stable key-value store of `put` / `lookup` (memory id 0). */
const store = new StableBTreeMap<string, string>(0);
/** Stable bookkeeping: the greeting and the upgrade count (memory id 1). */
const meta = new StableBTreeMap<string, string>(1);

const GREETING_KEY = 'greeting';
const UPGRADES_KEY = 'upgrades';

/** An install argument that makes `init` loop for ever, to test the install instruction limit. */
const SPIN_GREETING = 'spin';

const HttpHeader = IDL.Tuple(IDL.Text, IDL.Text);
const HttpRequest = IDL.Record({
  method: IDL.Text,
  url: IDL.Text,
  headers: IDL.Vec(HttpHeader),
  body: IDL.Vec(IDL.Nat8),
  certificate_version: IDL.Opt(IDL.Nat16),
});
const HttpUpdateRequest = IDL.Record({
  method: IDL.Text,
  url: IDL.Text,
  headers: IDL.Vec(HttpHeader),
  body: IDL.Vec(IDL.Nat8),
});
const StreamingToken = IDL.Record({
  key: IDL.Text,
  content_encoding: IDL.Text,
  index: IDL.Nat,
  sha256: IDL.Opt(IDL.Vec(IDL.Nat8)),
});
const HttpResponse = IDL.Record({
  status_code: IDL.Nat16,
  headers: IDL.Vec(HttpHeader),
  body: IDL.Vec(IDL.Nat8),
  streaming_strategy: IDL.Opt(
    IDL.Variant({
      Callback: IDL.Record({
        callback: IDL.Func([StreamingToken], [], ['query']),
        token: StreamingToken,
      }),
    }),
  ),
  upgrade: IDL.Opt(IDL.Bool),
});
interface HttpAnswer {
  status_code: number;
  headers: [string, string][];
  body: Uint8Array;
  streaming_strategy: [];
  upgrade: [] | [boolean];
}
/** Updates served through `http_request_update` (heap only: a test counter). */
let httpUpdates = 0;

/** A loop the QuickJS interpreter cannot leave: only the replica's instruction limit ends it. */
function spinForever(): never {
  let turns = 0;
  for (;;) {
    turns += 1;
    if (turns < 0) {
      break;
    }
  }
  trap('spinForever: unreachable');
}

/** Heap blocks kept alive by `hold`. */
const held: Uint8Array[] = [];

/** Serialises stable entries exactly as `StableBTreeMap` stores them, to measure their size. */
const serialiser = StableJson();

function isCallRejected(error: unknown): error is CallRejected {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { type?: unknown }).type === 'CallRejected' &&
    typeof (error as { rejectMessage?: unknown }).rejectMessage === 'string'
  );
}

function entryBytes(map: StableBTreeMap<string, string>): bigint {
  let total = 0n;
  for (const [key, value] of map.items()) {
    total += BigInt(serialiser.toBytes(key).length + serialiser.toBytes(value).length);
  }
  return total;
}

export default class {
  /** Heap counter: reset by an upgrade, rolled back by a trap. */
  counter = 0n;
  /** Heap count of timers that have fired. */
  timerFired = 0n;

  @init([IDL.Opt(IDL.Text)])
  init(greeting: [] | [string]): void {
    if (greeting[0] === SPIN_GREETING) {
      spinForever();
    }
    meta.insert(GREETING_KEY, greeting[0] ?? DEFAULT_GREETING);
  }

  @postUpgrade([IDL.Opt(IDL.Text)])
  postUpgrade(greeting: [] | [string]): void {
    const upgrades = BigInt(meta.get(UPGRADES_KEY) ?? '0') + 1n;
    meta.insert(UPGRADES_KEY, upgrades.toString());
    if (greeting.length === 1) {
      meta.insert(GREETING_KEY, greeting[0]);
    }
  }

  @update([], IDL.Nat)
  inc(): bigint {
    this.counter += 1n;
    return this.counter;
  }

  @query([], IDL.Nat)
  get(): bigint {
    return this.counter;
  }

  @query([], IDL.Principal)
  whoami(): Principal {
    return msgCaller();
  }

  @update([], IDL.Principal)
  whoami_update(): Principal {
    return msgCaller();
  }

  /** Changes the heap and stable memory, then traps: the replica must undo both. */
  @update([])
  inc_then_trap(): void {
    this.counter += 1n;
    store.insert('trap', 'written before the trap');
    trap('inc_then_trap: trapping on purpose after changing heap and stable memory');
  }

  /** Increments in a query: the caller sees the new value, the canister must not keep it. */
  @query([], IDL.Nat)
  query_inc(): bigint {
    this.counter += 1n;
    return this.counter;
  }

  @update([IDL.Text, IDL.Text])
  put(key: string, value: string): void {
    store.insert(key, value);
  }

  @query([IDL.Text], IDL.Opt(IDL.Text))
  lookup(key: string): [] | [string] {
    const value = store.get(key);
    return value === undefined ? [] : [value];
  }

  @update([IDL.Vec(IDL.Nat8)])
  set_certified(data: Uint8Array): void {
    certifiedDataSet(data);
  }

  @query([], IDL.Opt(IDL.Vec(IDL.Nat8)))
  certificate(): [] | [Uint8Array] {
    const certificate = dataCertificate();
    return certificate === undefined ? [] : [certificate];
  }

  /** Calls `get` on another probe and returns its reply. */
  @update([IDL.Principal], IDL.Nat)
  async call_get(other: Principal): Promise<bigint> {
    return await call<undefined, bigint>(other, 'get', { returnIdlType: IDL.Nat });
  }

  /** Calls `inc_then_trap` on another probe and returns the reject message it gets back. */
  @update([IDL.Principal], IDL.Text)
  async call_trap(other: Principal): Promise<string> {
    try {
      await call(other, 'inc_then_trap');
    } catch (error) {
      if (isCallRejected(error)) {
        return error.rejectMessage;
      }
      throw error;
    }
    trap('call_trap: the callee replied instead of rejecting');
  }

  /** Sets a one-shot timer that increments `timer_fired` after `delaySeconds`. */
  @update([IDL.Nat64])
  schedule(delaySeconds: bigint): void {
    setTimer(Number(delaySeconds), () => {
      this.timerFired += 1n;
    });
  }

  @query([], IDL.Nat)
  timer_fired(): bigint {
    return this.timerFired;
  }

  /**
   * Creates a canister through the management canister's `create_canister`, paying `cycles`
   * from this canister's balance; the new canister is controlled by this one.
   */
  @update([IDL.Nat], IDL.Principal)
  async create_child(cycles: bigint): Promise<Principal> {
    const settings = IDL.Opt(IDL.Record({ controllers: IDL.Opt(IDL.Vec(IDL.Principal)) }));
    const result = await call<[{ settings: [] }], { canister_id: Principal }>(
      'aaaaa-aa',
      'create_canister',
      {
        paramIdlTypes: [IDL.Record({ settings })],
        returnIdlType: IDL.Record({ canister_id: IDL.Principal }),
        args: [{ settings: [] }],
        cycles,
      },
    );
    return result.canister_id;
  }

  /** This canister's cycle balance. */
  @query([], IDL.Nat)
  balance(): bigint {
    return canisterCycleBalance();
  }

  /** 32 random bytes from the management canister's `raw_rand`. */
  @update([], IDL.Vec(IDL.Nat8))
  async rand(): Promise<Uint8Array> {
    return await call<undefined, Uint8Array>('aaaaa-aa', 'raw_rand', {
      returnIdlType: IDL.Vec(IDL.Nat8),
    });
  }

  /**
   * Bytes the probe's stable entries occupy (keys plus values, as serialised). Stable-mode Azle
   * exposes no `ic0.stable64_size`, so this is the observable proxy for stable memory content.
   */
  @query([], IDL.Nat64)
  stable_size(): bigint {
    return entryBytes(store) + entryBytes(meta);
  }

  @query([], IDL.Text)
  greeting(): string {
    return meta.get(GREETING_KEY) ?? DEFAULT_GREETING;
  }

  /** Changes the heap, then loops for ever: the instruction limit must end it and undo the change. */
  @update([])
  spin(): void {
    this.counter += 1n;
    spinForever();
  }

  @query([])
  spin_query(): void {
    spinForever();
  }

  /** Sets a one-shot timer whose callback loops for ever. */
  @update([IDL.Nat64])
  schedule_spin(delaySeconds: bigint): void {
    setTimer(Number(delaySeconds), () => {
      this.timerFired += 1n;
      spinForever();
    });
  }

  /** Runs `turns` loop iterations and returns `performance_counter(0)` after them. */
  @update([IDL.Nat32], IDL.Nat64)
  work(turns: number): bigint {
    let total = 0;
    for (let i = 0; i < turns; i++) {
      total += i;
    }
    return total >= 0 ? performanceCounter(0) : 0n;
  }

  /** `size` bytes, to test the reply size limits (2 MiB replicated, 3 MiB queries). */
  @update([IDL.Nat32], IDL.Vec(IDL.Nat8))
  bytes(size: number): Uint8Array {
    return new Uint8Array(size).fill(7);
  }

  @query([IDL.Nat32], IDL.Vec(IDL.Nat8))
  bytes_query(size: number): Uint8Array {
    return new Uint8Array(size).fill(7);
  }

  /** Keeps `mebibytes` more MiB of heap alive, growing the Wasm memory; returns how many it holds. */
  @update([IDL.Nat32], IDL.Nat32)
  hold(mebibytes: number): number {
    for (let i = 0; i < mebibytes; i++) {
      held.push(new Uint8Array(1024 * 1024).fill(1));
    }
    return held.length;
  }

  @query([], IDL.Nat)
  upgrades(): bigint {
    return BigInt(meta.get(UPGRADES_KEY) ?? '0');
  }

  /** HTTP gateway interface: every request is upgraded to an update call. */
  @query([HttpRequest], HttpResponse)
  http_request(): HttpAnswer {
    return {
      status_code: 200,
      headers: [],
      body: new Uint8Array(0),
      streaming_strategy: [],
      upgrade: [true],
    };
  }

  /** Answers with what it was sent and how many updates it has served, as a gateway test needs. */
  @update([HttpUpdateRequest], HttpResponse)
  http_request_update(request: { method: string; url: string; body: Uint8Array }): HttpAnswer {
    httpUpdates += 1;
    const text = `update ${httpUpdates}: ${request.method} ${request.url} ${new TextDecoder().decode(request.body)}`;
    return {
      status_code: 200,
      headers: [['content-type', 'text/plain']],
      body: new TextEncoder().encode(text),
      streaming_strategy: [],
      upgrade: [],
    };
  }
}
