import type { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

/** Candid interface of the `probe` test canister (infra/replica/test-canisters/probe). */
export const probeIdlFactory: IDL.InterfaceFactory = ({ IDL: I }) =>
  I.Service({
    inc: I.Func([], [I.Nat], []),
    get: I.Func([], [I.Nat], ['query']),
    whoami: I.Func([], [I.Principal], ['query']),
    whoami_update: I.Func([], [I.Principal], []),
    inc_then_trap: I.Func([], [], []),
    query_inc: I.Func([], [I.Nat], ['query']),
    put: I.Func([I.Text, I.Text], [], []),
    lookup: I.Func([I.Text], [I.Opt(I.Text)], ['query']),
    set_certified: I.Func([I.Vec(I.Nat8)], [], []),
    certificate: I.Func([], [I.Opt(I.Vec(I.Nat8))], ['query']),
    call_get: I.Func([I.Principal], [I.Nat], []),
    call_trap: I.Func([I.Principal], [I.Text], []),
    schedule: I.Func([I.Nat64], [], []),
    timer_fired: I.Func([], [I.Nat], ['query']),
    rand: I.Func([], [I.Vec(I.Nat8)], []),
    create_child: I.Func([I.Nat], [I.Principal], []),
    balance: I.Func([], [I.Nat], ['query']),
    stable_size: I.Func([], [I.Nat64], ['query']),
    greeting: I.Func([], [I.Text], ['query']),
    upgrades: I.Func([], [I.Nat], ['query']),
    spin: I.Func([], [], []),
    spin_query: I.Func([], [], ['query']),
    schedule_spin: I.Func([I.Nat64], [], []),
    work: I.Func([I.Nat32], [I.Nat64], []),
    bytes: I.Func([I.Nat32], [I.Vec(I.Nat8)], []),
    bytes_query: I.Func([I.Nat32], [I.Vec(I.Nat8)], ['query']),
    hold: I.Func([I.Nat32], [I.Nat32], []),
  });

/** The probe canister's methods as an actor exposes them. */
export interface ProbeActor {
  inc(): Promise<bigint>;
  get(): Promise<bigint>;
  whoami(): Promise<Principal>;
  whoami_update(): Promise<Principal>;
  inc_then_trap(): Promise<void>;
  query_inc(): Promise<bigint>;
  put(key: string, value: string): Promise<void>;
  lookup(key: string): Promise<[] | [string]>;
  set_certified(data: Uint8Array): Promise<void>;
  certificate(): Promise<[] | [Uint8Array]>;
  call_get(other: Principal): Promise<bigint>;
  call_trap(other: Principal): Promise<string>;
  schedule(delaySeconds: bigint): Promise<void>;
  timer_fired(): Promise<bigint>;
  rand(): Promise<Uint8Array>;
  create_child(cycles: bigint): Promise<Principal>;
  balance(): Promise<bigint>;
  stable_size(): Promise<bigint>;
  greeting(): Promise<string>;
  upgrades(): Promise<bigint>;
  spin(): Promise<void>;
  spin_query(): Promise<void>;
  schedule_spin(delaySeconds: bigint): Promise<void>;
  work(turns: number): Promise<bigint>;
  bytes(size: number): Promise<Uint8Array>;
  bytes_query(size: number): Promise<Uint8Array>;
  hold(mebibytes: number): Promise<number>;
}
