import { writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliErrorCode } from '../errors.js';
import { makeFakeProcesses, makeTempDir } from '../testing/fakes.js';
import { dataDirFiles } from './data-dir.js';
import type { NetworkStatus, ReplicaStatusReport } from './network-status.js';
import {
  formatNetworkStatus,
  getNetworkStatus,
  networkStatusJson,
  parseReplicaStatus,
} from './network-status.js';

const PID = 4242;
const URL_ = 'http://127.0.0.1:4943';
const CANISTER = 'rrkah-fqaaa-aaaaa-aaaaq-cai';
const CONTROLLER = '2vxsx-fae';

function replicaReport(overrides: Partial<ReplicaStatusReport> = {}): ReplicaStatusReport {
  return {
    url: URL_,
    pid: PID,
    rootKey: '308182',
    canisters: [
      { id: CANISTER, status: 'running', moduleHash: 'ab'.repeat(32), controllers: [CONTROLLER] },
    ],
    ...overrides,
  };
}

function jsonFetch(body: unknown, status = 200): typeof fetch {
  return (async (input: string | URL | Request) => {
    expect(String(input)).toBe(`${URL_}/_citadel/status`);
    return Response.json(body, { status });
  }) as typeof fetch;
}

async function writeRunning(dataDir: string): Promise<void> {
  const files = dataDirFiles(dataDir);
  await writeFile(files.lock, JSON.stringify({ pid: PID, startedAt: '2025-01-01T00:00:00.000Z' }));
  await writeFile(
    files.network,
    JSON.stringify({
      url: URL_,
      pid: PID,
      port: 4943,
      rootKey: '308182',
      startedAt: '2025-01-01T00:00:00.000Z',
    }),
  );
}

describe('getNetworkStatus', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => dir.remove());

  it('is stopped when no network files exist, and never calls fetch', async () => {
    const fetchFn = (() => {
      throw new Error('fetch must not be called');
    }) as unknown as typeof fetch;
    const status = await getNetworkStatus({
      dataDir: dir.path,
      fetch: fetchFn,
      processes: makeFakeProcesses([]),
    });
    expect(status).toEqual({ state: 'stopped', dataDir: dir.path });
    expect(networkStatusJson(status)).toEqual({ running: false });
  });

  it('is stopped when the process that wrote network.json is gone', async () => {
    await writeRunning(dir.path);
    const status = await getNetworkStatus({
      dataDir: dir.path,
      fetch: jsonFetch(replicaReport()),
      processes: makeFakeProcesses([]),
    });
    expect(status.state).toBe('stopped');
  });

  it('is running with the replica canister list when the process lives and answers', async () => {
    await writeRunning(dir.path);
    const status = await getNetworkStatus({
      dataDir: dir.path,
      fetch: jsonFetch({ ...replicaReport(), subnetId: 'abc', certifiedHeight: 7 }),
      processes: makeFakeProcesses([PID]),
    });
    expect(status).toMatchObject({
      state: 'running',
      info: { url: URL_, pid: PID },
      replica: { subnetId: 'abc', certifiedHeight: 7, canisters: [{ id: CANISTER }] },
    });
    expect(networkStatusJson(status)).toMatchObject({
      running: true,
      ready: true,
      url: URL_,
      pid: PID,
      port: 4943,
      canisters: [{ id: CANISTER, status: 'running', controllers: [CONTROLLER] }],
    });
  });

  it('fails with CLI_NETWORK_UNREACHABLE when the process lives but does not answer', async () => {
    await writeRunning(dir.path);
    const refused = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    await expect(
      getNetworkStatus({ dataDir: dir.path, fetch: refused, processes: makeFakeProcesses([PID]) }),
    ).rejects.toMatchObject({ code: CliErrorCode.NETWORK_UNREACHABLE, details: { url: URL_ } });
  });

  it('fails with CLI_STATUS_INVALID_RESPONSE on an HTTP error or a foreign body', async () => {
    await writeRunning(dir.path);
    const processes = makeFakeProcesses([PID]);
    await expect(
      getNetworkStatus({ dataDir: dir.path, fetch: jsonFetch({}, 404), processes }),
    ).rejects.toMatchObject({ code: CliErrorCode.STATUS_INVALID_RESPONSE });
    await expect(
      getNetworkStatus({ dataDir: dir.path, fetch: jsonFetch({ hello: 'world' }), processes }),
    ).rejects.toMatchObject({ code: CliErrorCode.STATUS_INVALID_RESPONSE });
  });
});

describe('parseReplicaStatus', () => {
  it('rejects canister entries without the documented fields', () => {
    expect(() =>
      parseReplicaStatus({ ...replicaReport(), canisters: [{ id: CANISTER }] }, URL_),
    ).toThrow(expect.objectContaining({ code: CliErrorCode.STATUS_INVALID_RESPONSE }));
  });

  it('accepts an empty canister with a null module hash', () => {
    const report = parseReplicaStatus(
      {
        ...replicaReport(),
        canisters: [{ id: CANISTER, status: 'stopped', moduleHash: null, controllers: [] }],
      },
      URL_,
    );
    expect(report.canisters[0]?.moduleHash).toBeNull();
  });
});

describe('formatNetworkStatus', () => {
  const running: NetworkStatus = {
    state: 'running',
    dataDir: '/data',
    info: {
      url: URL_,
      pid: PID,
      port: 4943,
      rootKey: '308182',
      startedAt: '2025-01-01T00:00:00.000Z',
    },
    replica: replicaReport(),
  };

  it('shows the URL, pid, data dir, root key and one line per canister', () => {
    const lines = formatNetworkStatus(running);
    expect(lines[0]).toBe('Local network: running');
    expect(lines).toContain(`  URL:        ${URL_}`);
    expect(lines).toContain(`  PID:        ${PID}`);
    expect(lines).toContain('  Data dir:   /data');
    expect(lines).toContain('  Root key:   308182');
    expect(lines).toContain('Canisters (1):');
    expect(lines).toContain(
      `  ${CANISTER}  running  module abababababab…  controllers: ${CONTROLLER}`,
    );
  });

  it('says so when there are no canisters, or no network', () => {
    expect(
      formatNetworkStatus({ ...running, replica: replicaReport({ canisters: [] }) }),
    ).toContain('Canisters: none');
    expect(formatNetworkStatus({ state: 'stopped', dataDir: '/data' })).toEqual([
      'No local network is running (data dir /data).',
    ]);
  });

  it('warns when another process answers at the network URL', () => {
    const lines = formatNetworkStatus({ ...running, replica: replicaReport({ pid: 99 }) });
    expect(lines.some((line) => line.includes('served by pid 99'))).toBe(true);
  });
});
