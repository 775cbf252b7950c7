/**
 * An in-memory II canister for the flows' tests: anchors from 10 000, devices, and the
 * caller checks of the real one (`register` by the new key, `add` by a device of the
 * anchor). `connect(identity)` gives its methods as called by that identity.
 */
import type { Identity } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import type { IiCalls } from '../lib/ii-actor';
import type { WireDeviceData } from '../lib/ii-idl';

/** The fake canister: its state, and a `connect` like the app's. */
export interface FakeIi {
  readonly anchors: Map<bigint, WireDeviceData[]>;
  /** The principals that called, in order (`2vxsx-fae` for anonymous calls). */
  readonly callers: string[];
  connect(identity?: Identity): Promise<IiCalls>;
}

/** A fake II holding `anchors`. */
export function createFakeIi(anchors: Record<string, WireDeviceData[]> = {}): FakeIi {
  const state = new Map(
    Object.entries(anchors).map(([anchor, devices]) => [BigInt(anchor), devices]),
  );
  const callers: string[] = [];
  let next = 10_000n + BigInt(state.size);

  const isDeviceOf = (caller: string, anchor: bigint) =>
    (state.get(anchor) ?? []).some(
      ({ pubkey }) => Principal.selfAuthenticating(pubkey).toText() === caller,
    );

  return {
    anchors: state,
    callers,
    async connect(identity) {
      const caller = (identity?.getPrincipal() ?? Principal.anonymous()).toText();
      const call = <T>(result: () => T): Promise<T> => {
        callers.push(caller);
        return Promise.resolve().then(result);
      };
      return {
        register: (device) =>
          call(() => {
            if (Principal.selfAuthenticating(device.pubkey).toText() !== caller) {
              throw new Error(`${caller} cannot register ${device.alias}`);
            }
            const anchor = next++;
            state.set(anchor, [device]);
            return { registered: { user_number: anchor } };
          }),
        add: (anchor, device) =>
          call(() => {
            if (!isDeviceOf(caller, anchor)) {
              throw new Error(`${caller} is not a device of ${anchor}`);
            }
            state.get(anchor)?.push(device);
            return undefined;
          }),
        remove: () => call(() => undefined),
        lookup: (anchor) => call(() => [...(state.get(anchor) ?? [])]),
        lookup_device_key: () => call(() => []),
        get_principal: () => call(() => Principal.anonymous()),
        prepare_delegation: () => call(() => [new Uint8Array(62), 1n]),
        get_delegation: () => call(() => ({ no_such_delegation: null })),
        stats: () => call(() => ({ anchors: BigInt(state.size), signatures: 0n })),
      };
    },
  };
}
