import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProgressLine } from '../cli-context.js';
import { CliErrorCode } from '../errors.js';
import type { SpawnDetached, SpawnDetachedParams } from '../network/background-start.js';
import { dataDirFiles } from '../network/data-dir.js';
import type { NetworkInfo } from '../network/network-file.js';
import { makeFakeCliContext, makeFakeProcesses, makeTempDir } from '../testing/fakes.js';
import { ensureLocalNetwork } from './ensure-local-network.js';

const PROJECT_NETWORK_PID = 3131;
const CHILD = 5555;
const SHARED_URL = 'http://127.0.0.1:4943';

function infoOf(pid: number, url: string): NetworkInfo {
  const port = Number(new URL(url).port);
  return { url, pid, port, rootKey: '308182', startedAt: '2025-01-01T00:00:00.000Z' };
}

function statusBody(url: string, pid: number) {
  return { url, pid, rootKey: '308182', canisters: [] };
}

/**
 * A fetch that answers `<url>/_citadel/status` and `<url>/api/v2/status` for the URLs in
 * `up`, refuses every other connection, and records what was asked.
 */
function fakeFetch(up: ReadonlyMap<string, number>): { fetch: typeof fetch; asked: string[] } {
  const asked: string[] = [];
  const fetchFn = (async (input: string | URL | Request) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    asked.push(url.href);
    const pid = up.get(url.origin);
    if (pid === undefined) {
      throw new TypeError('fetch failed');
    }
    if (url.pathname === '/_citadel/status') {
      return Response.json(statusBody(url.origin, pid));
    }
    if (url.pathname === '/api/v2/status') {
      return new Response(new Uint8Array([0xd9]), { status: 200 });
    }
    return new Response('not found', { status: 404 });
  }) as typeof fetch;
  return { fetch: fetchFn, asked };
}

describe('ensureLocalNetwork', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let dataDir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
    // The project root is the nearest directory with a package.json.
    await writeFile(join(dir.path, 'package.json'), '{}');
    dataDir = join(dir.path, '.citadel', 'network');
  });
  afterEach(() => dir.remove());

  /** A spawn that "starts" a network publishing `url`, and what it was asked. */
  function fakeSpawn(url: string): { spawn: SpawnDetached; calls: SpawnDetachedParams[] } {
    const calls: SpawnDetachedParams[] = [];
    return {
      calls,
      spawn: async (params) => {
        calls.push(params);
        await writeFile(dataDirFiles(dataDir).network, JSON.stringify(infoOf(CHILD, url)));
        return { pid: CHILD, exited: new Promise(() => {}) };
      },
    };
  }

  async function publishProjectNetwork(url: string): Promise<void> {
    await mkdir(dataDir, { recursive: true });
    const files = dataDirFiles(dataDir);
    await writeFile(
      files.lock,
      JSON.stringify({ pid: PROJECT_NETWORK_PID, startedAt: '2025-01-01T00:00:00.000Z' }),
    );
    await writeFile(files.network, JSON.stringify(infoOf(PROJECT_NETWORK_PID, url)));
  }

  it("reuses the project's own running network and spawns nothing", async () => {
    const url = 'http://127.0.0.1:50123';
    await publishProjectNetwork(url);
    const spawn = fakeSpawn(url);
    const web = fakeFetch(new Map([[url, PROJECT_NETWORK_PID]]));
    const { context } = makeFakeCliContext(
      dir.path,
      {},
      {
        fetch: web.fetch,
        processes: makeFakeProcesses([PROJECT_NETWORK_PID]),
        spawnDetached: spawn.spawn,
      },
    );
    expect(await ensureLocalNetwork(dir.path, context)).toEqual({
      url,
      note: `local network at ${url}`,
      started: false,
    });
    expect(spawn.calls).toEqual([]);
    expect(web.asked).toEqual([`${url}/_citadel/status`]);
  });

  it('reuses a network answering on 127.0.0.1:4943 when the project has none running, saying so', async () => {
    const spawn = fakeSpawn(SHARED_URL);
    const web = fakeFetch(new Map([[SHARED_URL, 777]]));
    const { context } = makeFakeCliContext(
      dir.path,
      {},
      {
        fetch: web.fetch,
        spawnDetached: spawn.spawn,
      },
    );
    const network = await ensureLocalNetwork(dir.path, context);
    expect(network).toEqual({
      url: SHARED_URL,
      note: `local network already running at ${SHARED_URL} (not this project's data directory)`,
      started: false,
    });
    expect(spawn.calls).toEqual([]);
    expect(web.asked).toEqual([`${SHARED_URL}/_citadel/status`]);
  });

  it("counts the project's network whose process died as not running", async () => {
    await publishProjectNetwork('http://127.0.0.1:50123');
    const web = fakeFetch(new Map([[SHARED_URL, 777]]));
    const { context } = makeFakeCliContext(
      dir.path,
      {},
      {
        fetch: web.fetch,
        processes: makeFakeProcesses([]),
      },
    );
    expect(await ensureLocalNetwork(dir.path, context)).toMatchObject({
      url: SHARED_URL,
      started: false,
    });
  });

  it("starts the project's network in the background when nothing answers, and returns its URL", async () => {
    const spawn = fakeSpawn(SHARED_URL);
    // Nothing answers until the child has published network.json.
    const up = new Map<string, number>();
    const web = fakeFetch(up);
    const updates: string[] = [];
    let cleared = 0;
    const progress: ProgressLine = {
      update: (text) => updates.push(text),
      clear: () => {
        cleared += 1;
      },
    };
    // The child answers from its second poll on, so the spinner shows once.
    let polls = 0;
    const { context } = makeFakeCliContext(
      dir.path,
      {},
      {
        fetch: (async (input: string | URL | Request, init?: RequestInit) => {
          if (String(input).endsWith('/api/v2/status') && ++polls === 2) {
            up.set(SHARED_URL, CHILD);
          }
          return web.fetch(input, init);
        }) as typeof fetch,
        processes: makeFakeProcesses([CHILD]),
        spawnDetached: spawn.spawn,
        selfCommand: { command: '/usr/bin/node', args: ['/opt/citadel/bin/citadel.js'] },
        progress,
      },
    );
    const network = await ensureLocalNetwork(dir.path, context);
    const logPath = dataDirFiles(dataDir).log;
    expect(network).toEqual({
      url: SHARED_URL,
      note: `started the local network at ${SHARED_URL} in the background (log: ${logPath}; stop it with \`citadel stop\`)`,
      started: true,
    });
    expect(spawn.calls).toEqual([
      {
        command: '/usr/bin/node',
        args: ['/opt/citadel/bin/citadel.js', 'start', '--data-dir', dataDir],
        cwd: dir.path,
        logPath,
      },
    ]);
    expect(web.asked[0]).toBe(`${SHARED_URL}/_citadel/status`);
    expect(web.asked).toContain(`${SHARED_URL}/api/v2/status`);
    expect(updates).toEqual(['⠋ Starting the local network… 0 s']);
    expect(cleared).toBeGreaterThanOrEqual(1);
  });

  it('starts its own network when the one on 127.0.0.1:4943 is not a Citadel network', async () => {
    const spawn = fakeSpawn('http://127.0.0.1:4944');
    const notCitadel = (async (input: string | URL | Request) => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
      if (url.origin === SHARED_URL) {
        return new Response('not found', { status: 404 });
      }
      return new Response(new Uint8Array([0xd9]), { status: 200 });
    }) as typeof fetch;
    const { context } = makeFakeCliContext(
      dir.path,
      {},
      {
        fetch: notCitadel,
        processes: makeFakeProcesses([CHILD]),
        spawnDetached: spawn.spawn,
      },
    );
    expect(await ensureLocalNetwork(dir.path, context)).toMatchObject({
      url: 'http://127.0.0.1:4944',
      started: true,
    });
    expect(spawn.calls).toHaveLength(1);
  });

  it('fails with CLI_BACKGROUND_START_FAILED when the background network exits before answering', async () => {
    const { context } = makeFakeCliContext(
      dir.path,
      {},
      {
        fetch: fakeFetch(new Map()).fetch,
        spawnDetached: async () => ({
          pid: CHILD,
          exited: Promise.resolve({ code: 1, signal: null }),
        }),
      },
    );
    await expect(ensureLocalNetwork(dir.path, context)).rejects.toMatchObject({
      code: CliErrorCode.BACKGROUND_START_FAILED,
    });
  });

  it('waits for a project network another command is starting, and uses it once it answers', async () => {
    const url = 'http://127.0.0.1:50124';
    await mkdir(dataDir, { recursive: true });
    // Locked by a live process that has not published network.json yet: starting.
    await writeFile(
      dataDirFiles(dataDir).lock,
      JSON.stringify({ pid: PROJECT_NETWORK_PID, startedAt: '2025-01-01T00:00:00.000Z' }),
    );
    const spawn = fakeSpawn(url);
    let naps = 0;
    const { context } = makeFakeCliContext(
      dir.path,
      {},
      {
        fetch: fakeFetch(new Map([[url, PROJECT_NETWORK_PID]])).fetch,
        processes: makeFakeProcesses([PROJECT_NETWORK_PID]),
        spawnDetached: spawn.spawn,
        sleep: async () => {
          if (++naps === 3) {
            await writeFile(
              dataDirFiles(dataDir).network,
              JSON.stringify(infoOf(PROJECT_NETWORK_PID, url)),
            );
          }
        },
      },
    );
    expect(await ensureLocalNetwork(dir.path, context)).toMatchObject({ url, started: false });
    expect(naps).toBe(3);
    expect(spawn.calls).toEqual([]);
  });
});
