import { Certificate, lookupResultToBuffer } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { decodeCbor } from '@citadel/protocol';
import { describe, expect, it } from 'vitest';
import { CanisterTable } from '../state/canister-table.js';
import { IngressHistory } from '../state/ingress-history.js';
import { createReject } from '../state/reject.js';
import { Certifier } from './certifier.js';
import { buildStateTree, buildSubnetTree } from './state-tree.js';
import { createSubnetKeys, generateKeyMaterial } from './subnet-keys.js';

const keys = createSubnetKeys(generateKeyMaterial());
const nowNs = BigInt(Date.now()) * 1_000_000n;

function fixture() {
  const canisters = new CanisterTable();
  const canister = canisters.create({ controllers: [Uint8Array.of(7)], cyclesBalance: 1n, nowNs });
  canister.certifiedData = new Uint8Array(32).fill(9);
  const ingress = new IngressHistory();
  const replied = new Uint8Array(32).fill(1);
  const rejected = new Uint8Array(32).fill(2);
  for (const [requestId, state] of [
    [replied, { status: 'replied', reply: Uint8Array.of(0x44, 0x49) }],
    [rejected, { status: 'rejected', reject: createReject('IC0503', 'it trapped') }],
  ] as const) {
    ingress.add({
      requestId,
      sender: Uint8Array.of(4),
      receiver: canister.id,
      expiryNs: nowNs,
      state,
      updatedAtNs: nowNs,
    });
  }
  const tree = buildStateTree({
    timeNs: nowNs,
    ingress,
    canisters: canisters.values(),
    subnetTree: buildSubnetTree(keys.subnet),
  });
  const certifier = new Certifier(keys.stateSigner);
  return { canister, replied, rejected, certifier, state: certifier.certify(tree, nowNs) };
}

describe('the certified state tree', () => {
  it('yields certificates the agent verifies, with request statuses as the spec encodes them', async () => {
    const { canister, replied, rejected, certifier, state } = fixture();
    const bytes = certifier.certificate(state, [
      ['request_status', replied],
      ['request_status', rejected],
    ]);
    const cert = await Certificate.create({
      certificate: bytes,
      rootKey: keys.rootKeyDer,
      canisterId: Principal.fromUint8Array(canister.id),
    });
    const text = (path: (string | Uint8Array)[]) =>
      new TextDecoder().decode(lookupResultToBuffer(cert.lookup_path(path)));
    expect(text(['request_status', replied, 'status'])).toBe('replied');
    expect(lookupResultToBuffer(cert.lookup_path(['request_status', replied, 'reply']))).toEqual(
      Uint8Array.of(0x44, 0x49),
    );
    expect(text(['request_status', rejected, 'status'])).toBe('rejected');
    expect(text(['request_status', rejected, 'error_code'])).toBe('IC0503');
    expect(
      lookupResultToBuffer(cert.lookup_path(['request_status', rejected, 'reject_code'])),
    ).toEqual(Uint8Array.of(5));
  });

  it('certifies canister controllers as CBOR and certified data, and prunes what was not asked for', async () => {
    const { canister, replied, certifier, state } = fixture();
    const bytes = certifier.certificate(state, [['canister', canister.id, 'controllers']]);
    const cert = await Certificate.create({
      certificate: bytes,
      rootKey: keys.rootKeyDer,
      canisterId: Principal.fromUint8Array(canister.id),
    });
    const controllers = decodeCbor(
      lookupResultToBuffer(
        cert.lookup_path(['canister', canister.id, 'controllers']),
      ) as Uint8Array,
    );
    expect(controllers).toEqual([Uint8Array.of(7)]);
    expect(cert.lookup_path(['request_status', replied, 'status']).status).not.toBe('Found');
    const data = certifier.certificate(state, [['canister', canister.id, 'certified_data']]);
    const dataCert = await Certificate.create({
      certificate: data,
      rootKey: keys.rootKeyDer,
      canisterId: Principal.fromUint8Array(canister.id),
    });
    expect(
      lookupResultToBuffer(dataCert.lookup_path(['canister', canister.id, 'certified_data'])),
    ).toEqual(new Uint8Array(32).fill(9));
  });

  it('publishes the subnet key, the canister ranges and four node keys of 44 bytes', async () => {
    const { canister, certifier, state } = fixture();
    const bytes = certifier.certificate(state, [['subnet']]);
    const cert = await Certificate.create({
      certificate: bytes,
      rootKey: keys.rootKeyDer,
      canisterId: Principal.fromUint8Array(canister.id),
    });
    const subnet = keys.subnetId;
    expect(lookupResultToBuffer(cert.lookup_path(['subnet', subnet, 'public_key']))).toEqual(
      keys.rootKeyDer,
    );
    for (const node of keys.subnet.nodes) {
      expect(
        lookupResultToBuffer(
          cert.lookup_path(['subnet', subnet, 'node', node.nodeId, 'public_key']),
        ),
      ).toHaveLength(44);
    }
    expect(keys.subnet.nodes).toHaveLength(4);
  });
});
