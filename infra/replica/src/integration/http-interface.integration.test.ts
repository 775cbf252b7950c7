import {
  Actor,
  Certificate,
  HttpAgent,
  lookupResultToBuffer,
  pollForResponse,
} from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { decodeCbor, encodeCbor } from '@citadel/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BODY_BYTES } from '../http/http-handler.js';
import type { TestNetwork } from './harness.js';
import { TEST_HOST, startTestNetwork } from './harness.js';
import type { ProbeActor } from './probe.js';
import { probeIdlFactory } from './probe.js';

const owner = Ed25519KeyIdentity.generate();

describe('the IC HTTP interface', () => {
  let net: TestNetwork;
  let canister: Principal;
  beforeAll(async () => {
    net = await startTestNetwork();
    canister = await net.deployProbe(owner);
  });
  afterAll(() => net.close());

  const post = (path: string, body: Uint8Array | string, type = 'application/cbor') =>
    net.replica.fetch(
      new Request(`${TEST_HOST}${path}`, {
        method: 'POST',
        body,
        headers: { 'content-type': type },
      }),
    );

  it('reports the root key and health in /api/v2/status', async () => {
    const response = await net.replica.fetch(new Request(`${TEST_HOST}/api/v2/status`));
    expect(response.status).toBe(200);
    const status = decodeCbor(new Uint8Array(await response.arrayBuffer())) as Record<
      string,
      unknown
    >;
    expect(status['root_key']).toEqual(net.replica.rootKeyDer);
    expect(status['root_key']).toHaveLength(133);
    expect(status['replica_health_status']).toBe('healthy');
  });

  it('answers v2 calls with 202 and the result through read_state polling', async () => {
    const agent = await net.agent(owner);
    const probe = await net.probe(canister, owner);
    const before = await probe.get();
    const { requestId } = await agent.call(canister, {
      methodName: 'inc',
      arg: new Uint8Array(IDL.encode([], [])),
      callSync: false,
    });
    const { reply } = await pollForResponse(agent, canister, requestId);
    expect(IDL.decode([IDL.Nat], reply)[0]).toBe(before + 1n);
  });

  it('never executes a resubmitted request twice', async () => {
    const bodies: Uint8Array[] = [];
    const agent = await HttpAgent.create({
      host: TEST_HOST,
      identity: owner,
      shouldFetchRootKey: true,
      fetch: (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
        const request = new Request(input, init);
        if (request.url.endsWith('/call')) {
          bodies.push(new Uint8Array(await request.clone().arrayBuffer()));
        }
        return net.replica.fetch(request);
      }) as typeof fetch,
    });
    const probe = Actor.createActor<ProbeActor>(probeIdlFactory, { agent, canisterId: canister });
    const before = await probe.get();
    await probe.inc();
    const replay = await post(
      `/api/v3/canister/${canister.toText()}/call`,
      bodies[0] as Uint8Array,
    );
    expect(replay.status).toBe(200);
    const body = decodeCbor(new Uint8Array(await replay.arrayBuffer())) as Record<string, unknown>;
    expect(body['status']).toBe('replied');
    const cert = await Certificate.create({
      certificate: body['certificate'] as Uint8Array,
      rootKey: agent.rootKey as Uint8Array,
      canisterId: canister,
    });
    expect(cert).toBeDefined();
    await post(`/api/v2/canister/${canister.toText()}/call`, bodies[0] as Uint8Array);
    expect(await probe.get()).toBe(before + 1n);
  });

  it('refuses a read of another sender’s request status with 403', async () => {
    const agent = await net.agent(owner);
    const { requestId } = await agent.call(canister, {
      methodName: 'inc',
      arg: new Uint8Array(IDL.encode([], [])),
    });
    const strangerAgent = await net.agent(Ed25519KeyIdentity.generate());
    await expect(
      strangerAgent.readState(canister, {
        paths: [[new TextEncoder().encode('request_status'), requestId]],
      }),
    ).rejects.toThrow(/403|different sender/);
  });

  it('rejects malformed CBOR with 400 and keeps serving', async () => {
    const response = await post(
      `/api/v2/canister/${canister.toText()}/query`,
      Uint8Array.of(0xd9, 0xd9, 0xf7, 0xa1, 0x61),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('x-citadel-error-code')).toBe('REPLICA_HTTP_MALFORMED_CBOR');
    expect(await response.text()).toMatch(/^Failed to deserialize cbor request/);
    expect(await (await net.probe(canister)).get()).toBeGreaterThanOrEqual(0n);
  });

  it('rejects a body that is not CBOR by content type', async () => {
    const response = await post(
      `/api/v2/canister/${canister.toText()}/query`,
      '{}',
      'application/json',
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/application\/cbor/);
  });

  it('rejects oversize bodies with 413', async () => {
    const response = await post(
      `/api/v2/canister/${canister.toText()}/call`,
      new Uint8Array(3 * 1024 * 1024),
    );
    expect(response.status).toBe(413);
  });

  it('refuses a streamed body once it passes the limit, without reading it to the end', async () => {
    let pulledBytes = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulledBytes += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    const response = await net.replica.fetch(
      new Request(`${TEST_HOST}/api/v2/canister/${canister.toText()}/call`, {
        method: 'POST',
        body: endless,
        headers: { 'content-type': 'application/cbor' },
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.status).toBe(413);
    expect(response.headers.get('x-citadel-error-code')).toBe('REPLICA_HTTP_PAYLOAD_TOO_LARGE');
    expect(pulledBytes).toBeLessThan(MAX_REQUEST_BODY_BYTES + 256 * 1024);
  });

  it('refuses a declared content-length over the limit without reading the body', async () => {
    let pulled = false;
    const body = new ReadableStream<Uint8Array>(
      {
        pull() {
          pulled = true;
        },
      },
      // Pulled only when read: the default high-water mark pulls once on construction.
      { highWaterMark: 0 },
    );
    const response = await net.replica.fetch(
      new Request(`${TEST_HOST}/api/v2/canister/${canister.toText()}/call`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/cbor', 'content-length': String(1024 ** 3) },
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.status).toBe(413);
    expect(await response.text()).toMatch(/of 1073741824 bytes/);
    expect(pulled).toBe(false);
  });

  it('answers a body stream that fails midway with 400, not an internal error', async () => {
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(Uint8Array.of(0xd9, 0xd9));
        controller.error(new Error('connection reset'));
      },
    });
    const response = await net.replica.fetch(
      new Request(`${TEST_HOST}/api/v2/canister/${canister.toText()}/query`, {
        method: 'POST',
        body: broken,
        headers: { 'content-type': 'application/cbor' },
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('x-citadel-error-code')).toBe('REPLICA_HTTP_BODY_INCOMPLETE');
  });

  it('rejects a malformed percent-escape in the canister id with 400, not 500', async () => {
    const response = await post('/api/v2/canister/%ZZ/query', new Uint8Array(0));
    expect(response.status).toBe(400);
    expect(response.headers.get('x-citadel-error-code')).toBe('REPLICA_HTTP_INVALID_PRINCIPAL');
  });

  it('accepts the CBOR media type in any letter case (RFC 9110 §8.3.1)', async () => {
    const response = await post(
      `/api/v2/canister/${canister.toText()}/query`,
      Uint8Array.of(0xa0),
      'Application/CBOR; charset=binary',
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('x-citadel-error-code')).toBe('REPLICA_INGRESS_MALFORMED');
  });

  it('rejects an expired request with the prefix the agent uses to resync its clock', async () => {
    const envelope = encodeCbor({
      content: {
        request_type: 'query',
        canister_id: canister.toUint8Array(),
        method_name: 'get',
        arg: new Uint8Array(IDL.encode([], [])),
        sender: owner.getPrincipal().toUint8Array(),
        ingress_expiry: 1_000_000_000n,
      },
      sender_pubkey: new Uint8Array(owner.getPublicKey().toDer()),
      sender_sig: new Uint8Array(64),
    });
    const response = await post(`/api/v2/canister/${canister.toText()}/query`, envelope);
    expect(response.status).toBe(400);
    expect(response.headers.get('x-citadel-error-code')).toBe('REPLICA_INGRESS_EXPIRY');
    expect(await response.text()).toMatch(/^Invalid request expiry: /);
  });

  it('rejects a call whose canister id differs from the URL', async () => {
    const other = await net.deployProbe(owner);
    const agent = await net.agent(owner);
    await expect(
      agent.call(canister, {
        methodName: 'inc',
        arg: new Uint8Array(IDL.encode([], [])),
        effectiveCanisterId: other,
      }),
    ).rejects.toThrow(/does not match effective canister id/);
  });

  it('serves /api/v2/subnet/<id>/read_state with the subnet public key', async () => {
    const seen: string[] = [];
    const agent = await HttpAgent.create({
      host: TEST_HOST,
      identity: owner,
      shouldFetchRootKey: true,
      // Agent 3.4 only reads state at canister endpoints; route its request to the subnet one.
      fetch: (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
        const request = new Request(input, init);
        const url = request.url.replace('/api/v2/canister/', '/api/v2/subnet/');
        seen.push(new URL(url).pathname);
        return net.replica.fetch(new Request(url, request));
      }) as typeof fetch,
    });
    const subnetId = Principal.selfAuthenticating(agent.rootKey as Uint8Array);
    const label = (text: string) => new TextEncoder().encode(text);
    const { certificate } = await agent.readState(subnetId, {
      paths: [[label('subnet'), subnetId.toUint8Array(), label('public_key')]],
    });
    expect(seen).toContain(`/api/v2/subnet/${subnetId.toText()}/read_state`);
    const cert = await Certificate.create({
      certificate,
      rootKey: agent.rootKey as Uint8Array,
      canisterId: canister,
    });
    const key = lookupResultToBuffer(
      cert.lookup_path(['subnet', subnetId.toUint8Array(), 'public_key']),
    );
    expect(key).toEqual(agent.rootKey);
  });

  it('refuses read_state paths outside the IC whitelist with 404', async () => {
    const agent = await net.agent(owner);
    await expect(
      agent.readState(canister, {
        paths: [
          [
            new TextEncoder().encode('canister'),
            canister.toUint8Array(),
            new TextEncoder().encode('certified_data'),
          ],
        ],
      }),
    ).rejects.toThrow(/404|Invalid path/);
  });

  it('answers unknown paths with 404', async () => {
    const response = await net.replica.fetch(new Request(`${TEST_HOST}/api/v9/nothing`));
    expect(response.status).toBe(404);
  });
});

describe('threshold certification', () => {
  it('still certifies when one of four nodes hands out a wrong signature share', async () => {
    const net = await startTestNetwork({ faultyNodes: [2] });
    try {
      const canister = await net.deployProbe(owner);
      const probe = await net.probe(canister, owner);
      expect(await probe.inc()).toBe(1n);
    } finally {
      await net.close();
    }
  });
});
