/**
 * Citadel's Internet Identity canister (Azle 0.33): anchors with passkey devices, and
 * canister-signed delegations that log users into dApps (`@dfinity/auth-client`) with a
 * principal per dApp origin. Anchors, devices and the salt live in stable memory
 * (`canister/stable-state.ts`); the signature map lives on the heap and is certified through
 * `certified_data` (`delegation/signature-map.ts`). See README.md for the interface and rules.
 */
// First: every module below must see the native text codec (see @citadel/azle-text).
import '@citadel/azle-text/install';
import {
  IDL,
  Principal,
  canisterSelf,
  certifiedDataSet,
  dataCertificate,
  init,
  msgArgData,
  msgCaller,
  msgReply,
  postUpgrade,
  query,
  time,
  trap,
  update,
} from 'azle';
import { isCitadelError } from '@citadel/protocol';
import { fromCandidDevice, toCandidDevice } from './candid/convert.js';
import {
  type CandidDeviceData,
  type CandidGetDelegationResponse,
  type CandidRegisterResponse,
  type CandidStats,
  T,
} from './candid/interface.js';
import { rawRand } from './canister/randomness.js';
import { anchors, salt } from './canister/stable-state.js';
import { Delegations, type Signer } from './delegation/delegations.js';
import { IdentityErrorCode, identityError } from './identity/errors.js';

/** Signatures made since the last install or upgrade (heap only, II §3.4). */
const delegations = new Delegations();

/** Certifies the signature map's current root (II §3.4: in the same call that changed it). */
function certify(): void {
  certifiedDataSet(delegations.signatures.certifiedData());
}

/**
 * Runs `body`; a refusal (a `CitadelError`) traps with its message, which the replica hands
 * the client as the reject message. Anything else traps as Azle reports uncaught errors.
 */
function refusing<R>(body: () => R): R {
  try {
    return body();
  } catch (error) {
    if (isCitadelError(error)) {
      trap(error.message);
    }
    throw error;
  }
}

function caller(): Uint8Array {
  return msgCaller().toUint8Array();
}

function signer(): Signer {
  return { canisterId: canisterSelf().toUint8Array(), salt: salt.require() };
}

/** The shape Azle gives an exported canister class while it collects method types. */
interface CanisterClassMeta {
  readonly canisterMethodIdlParamTypes: Record<string, IDL.FuncClass>;
}

export default class {
  constructor() {
    // Azle 0.33 declares at most one result per method; `prepare_delegation` has two, as on
    // the real II. It replies by hand (`manual`), and its declared type is set here, after
    // the decorators ran, so that the generated .did says `-> (blob, nat64)`.
    const meta = (this.constructor as { _azleCanisterClassMeta?: CanisterClassMeta })
      ._azleCanisterClassMeta;
    if (meta !== undefined) {
      meta.canisterMethodIdlParamTypes.prepare_delegation = IDL.Func(
        T.args.prepare_delegation,
        T.results.prepare_delegation,
      );
    }
  }

  @init([])
  init(): void {
    certify();
  }

  @postUpgrade([])
  postUpgrade(): void {
    // The signature map starts empty again; the certified data must say so (it survives).
    certify();
  }

  @update(T.args.register, T.RegisterResponse)
  async register(device: CandidDeviceData): Promise<CandidRegisterResponse> {
    const from = caller();
    if (salt.get() === undefined) {
      // Only the first registration ever waits for randomness (II §3.5, §3.6).
      salt.setOnce(await rawRand());
    }
    const result = refusing(() => anchors.register(from, fromCandidDevice(device)));
    switch (result.kind) {
      case 'registered':
        return { registered: { user_number: result.anchor } };
      case 'canister_full':
        return { canister_full: null };
      case 'bad_device':
        return { bad_device: result.message };
    }
  }

  @update(T.args.add)
  add(anchor: bigint, device: CandidDeviceData): void {
    refusing(() => anchors.add(caller(), anchor, fromCandidDevice(device)));
  }

  @update(T.args.remove)
  remove(anchor: bigint, pubkey: Uint8Array): void {
    refusing(() => anchors.remove(caller(), anchor, pubkey));
  }

  @query(T.args.lookup, IDL.Vec(T.DeviceData))
  lookup(anchor: bigint): CandidDeviceData[] {
    return refusing(() => anchors.lookup(anchor).map(toCandidDevice));
  }

  @query(T.args.lookup_device_key, T.DeviceKey)
  lookup_device_key(
    credentialId: Uint8Array,
  ): [] | [{ pubkey: Uint8Array; anchor_number: bigint }] {
    const found = refusing(() => anchors.lookupDeviceKey(credentialId));
    return found === undefined ? [] : [{ pubkey: found.pubkey, anchor_number: found.anchor }];
  }

  @query(T.args.get_principal, IDL.Principal)
  get_principal(anchor: bigint, frontend: string): Principal {
    return refusing(() => {
      anchors.authorize(caller(), anchor);
      return Principal.fromUint8Array(delegations.principal(signer(), anchor, frontend));
    });
  }

  @update(T.args.prepare_delegation, undefined, { manual: true })
  prepare_delegation(): void {
    const [anchor, frontend, sessionKey, maxTimeToLive] = IDL.decode(
      T.args.prepare_delegation,
      msgArgData(),
    ) as unknown as [bigint, string, Uint8Array, [] | [bigint]];
    const { userKey, expirationNs } = refusing(() => {
      anchors.authorize(caller(), anchor);
      return delegations.prepare(
        signer(),
        { anchor, frontend, sessionKey },
        maxTimeToLive[0],
        time(),
      );
    });
    certify();
    msgReply(new Uint8Array(IDL.encode(T.results.prepare_delegation, [userKey, expirationNs])));
  }

  @query(T.args.get_delegation, T.GetDelegationResponse)
  get_delegation(
    anchor: bigint,
    frontend: string,
    sessionKey: Uint8Array,
    expiration: bigint,
  ): CandidGetDelegationResponse {
    return refusing(() => {
      anchors.authorize(caller(), anchor);
      const certificate = dataCertificate();
      if (certificate === undefined) {
        throw identityError(
          IdentityErrorCode.NO_CERTIFICATE,
          'get_delegation must be called as a query: there is no data certificate in replicated execution',
        );
      }
      const signed = delegations.get(
        { anchor, frontend, sessionKey },
        expiration,
        certificate,
        time(),
      );
      if (signed === undefined) {
        return { no_such_delegation: null };
      }
      return {
        signed_delegation: {
          delegation: { pubkey: signed.delegation.pubkey, expiration, targets: [] },
          signature: signed.signature,
        },
      };
    });
  }

  @query([], T.Stats)
  stats(): CandidStats {
    return { anchors: anchors.count, signatures: BigInt(delegations.signatures.size) };
  }
}
