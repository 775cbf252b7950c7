// Throughput and latency of the HTTP gateway as `citadel start` serves it (on the replica's
// port, built by `connectGateway`), against nginx serving the same two files from disk in the
// same run, under the same keep-alive load: a ~1 KB HTML page and a 1 MiB binary, each with
// N connections for a fixed duration. The project's goal is cached certified responses at half
// of nginx's requests/s or better. The gateway is measured as shipped (its cache of verified
// responses keeps entries 2 s), with a cache whose entries outlive the measurement (hits
// only), and with the cache off, where every request is a query plus a verification; a last
// pass at one connection splits the gateway's time into its stages.
//
// The load generator runs in a worker thread (this same file), so it does not share the
// gateway's event loop; its own utilization is printed, since a saturated client caps the
// figure it measures. nginx runs with one worker process: the gateway serves from one thread.
//
// Run alone: `npm run build --silent && node bench/gateway.mjs` (the asset canister built by
// `npm run build:canisters`). Without nginx on PATH the benchmark is skipped with a message;
// as root, BENCH_INSTALL_NGINX=1 installs Debian's package first. BENCH_GATEWAY_SECONDS
// (default 10) and BENCH_GATEWAY_CONNECTIONS (default 16) set the load; BENCH_GATEWAY_PROFILE
// names a directory for CPU profiles of the gateway's thread.
import { Buffer } from 'node:buffer';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import { Session } from 'node:inspector/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as delay } from 'node:timers/promises';
import { TextEncoder } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const ASSETS_WASM = new URL('../canisters/assets/dist/assets.wasm.gz', import.meta.url);
const SMALL_PATH = '/index.html';
const LARGE_PATH = '/large.bin';
const LARGE_BYTES = 1024 * 1024;
/**
 * Requests with this header go to other gateways on the same replica: `off`, cache off;
 * `long`, entries kept {@link LONG_CACHE_TTL_MS}, so no entry expires while measuring and
 * only the cache's hit path is measured.
 */
const CACHE_SWITCH = 'x-citadel-bench-cache';
const LONG_CACHE_TTL_MS = 60_000;
/** The goal: the gateway's req/s over nginx's, for cached certified responses. */
const GOAL_RATIO = 0.5;
/** A request slower than this counts as failed (and ends its connection). */
const REQUEST_TIMEOUT_MS = 30_000;
const FIVE_MINUTES_NS = 300_000_000_000n;

// ---------------------------------------------------------------------------------------------
// Load generator (runs in a worker thread)
// ---------------------------------------------------------------------------------------------

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Keeps `connections` keep-alive connections busy with GET `path` for `warmupMs` (discarded),
 * then for `durationMs`; a response counts when it is a 200 of `expectedBytes` bytes. Posts
 * `{ type: 'measuring' }` when the measured window opens, so the server side can reset its
 * counters.
 */
async function generateLoad({
  port,
  host,
  path,
  headers,
  connections,
  warmupMs,
  durationMs,
  expectedBytes,
}) {
  const agent = new Agent({
    keepAlive: true,
    maxSockets: connections,
    maxFreeSockets: connections,
  });
  let opened = 0;
  const createConnection = agent.createConnection.bind(agent);
  agent.createConnection = (...args) => {
    opened++;
    return createConnection(...args);
  };
  const get = () =>
    new Promise((resolve) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path,
          agent,
          headers: { host, 'accept-encoding': 'identity', ...headers },
        },
        (res) => {
          let bytes = 0;
          res.on('data', (chunk) => {
            bytes += chunk.length;
          });
          res.on('end', () => resolve(res.statusCode === 200 && bytes === expectedBytes));
          res.on('error', () => resolve(false));
        },
      );
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('request timed out')));
      req.on('error', () => resolve(false));
      req.end();
    });
  const drive = async (untilMs, record) => {
    const loop = async () => {
      while (performance.now() < untilMs) {
        const start = performance.now();
        const ok = await get();
        record(ok, performance.now() - start);
      }
    };
    await Promise.all(Array.from({ length: connections }, loop));
  };

  await drive(performance.now() + warmupMs, () => {});
  parentPort.postMessage({ type: 'measuring' });
  const samples = [];
  let failed = 0;
  const utilization = performance.eventLoopUtilization();
  const start = performance.now();
  await drive(start + durationMs, (ok, ms) => {
    if (ok) {
      samples.push(ms);
    } else {
      failed++;
    }
  });
  const elapsedMs = performance.now() - start;
  const clientUtilization = performance.eventLoopUtilization(utilization).utilization;
  agent.destroy();
  samples.sort((a, b) => a - b);
  return {
    type: 'done',
    requests: samples.length,
    failed,
    elapsedMs,
    reqPerSec: (samples.length / elapsedMs) * 1000,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    meanMs: samples.reduce((sum, ms) => sum + ms, 0) / samples.length,
    connectionsOpened: opened,
    clientUtilization,
  };
}

// ---------------------------------------------------------------------------------------------
// Resources released on every exit path
// ---------------------------------------------------------------------------------------------

/**
 * What a run started: child processes, worker threads, temp dirs and closers. `release()`
 * frees them in reverse order; if the process exits without it (an uncaught error, a
 * signal), the `exit` hook still signals the children and removes the dirs synchronously.
 */
function createResources() {
  const children = new Set();
  const workers = new Set();
  const dirs = new Set();
  const closers = [];
  const onExit = () => {
    for (const child of children) {
      child.kill('SIGTERM');
    }
    for (const dir of dirs) {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const onSignal = (signal) => {
    console.log(`gateway: ${signal}, cleaning up…`);
    void release().finally(() => process.exit(128 + (signal === 'SIGINT' ? 2 : 15)));
  };
  process.on('exit', onExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let released;
  function release() {
    released ??= (async () => {
      for (const worker of workers) {
        await worker.terminate();
      }
      for (const close of closers.reverse()) {
        await close().catch((error) => console.log(`gateway: cleanup failed: ${error}`));
      }
      for (const child of children) {
        await stopChild(child);
      }
      for (const dir of dirs) {
        await rm(dir, { recursive: true, force: true });
      }
      process.off('exit', onExit);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    })();
    return released;
  }
  return {
    child(child) {
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
    worker(worker) {
      workers.add(worker);
      worker.once('exit', () => workers.delete(worker));
      return worker;
    },
    async dir(prefix) {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      dirs.add(dir);
      return dir;
    },
    onRelease(close) {
      closers.push(close);
    },
    release,
  };
}

/** Sends SIGTERM (nginx's fast shutdown) and waits for the exit; SIGKILL after 5 s. */
async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Runs the load generator in a worker thread; `onMeasuring` fires as its window opens. */
function runLoad(resources, params, onMeasuring = () => {}) {
  return new Promise((resolve, reject) => {
    const worker = resources.worker(
      new Worker(new URL(import.meta.url), { workerData: { role: 'load', ...params } }),
    );
    worker.on('message', (message) => {
      if (message.type === 'measuring') {
        onMeasuring();
      } else {
        resolve(message);
        void worker.terminate();
      }
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the load generator exited (${code})`)));
  });
}

// ---------------------------------------------------------------------------------------------
// nginx
// ---------------------------------------------------------------------------------------------

function findNginx() {
  // Debian installs it in /usr/sbin, which is not on PATH for other users than root.
  for (const command of ['nginx', '/usr/sbin/nginx']) {
    const probe = spawnSync(command, ['-v'], { encoding: 'utf8' });
    if (probe.status === 0) {
      return { command, version: probe.stderr.trim().replace(/^nginx version: /, '') };
    }
  }
  return undefined;
}

/** nginx to run, or why there is none; installs Debian's package when allowed to. */
function resolveNginx() {
  const found = findNginx();
  if (found !== undefined) {
    return found;
  }
  const isRoot = process.getuid?.() === 0;
  if (process.env.BENCH_INSTALL_NGINX !== '1' || !isRoot) {
    return {
      missing: `nginx is not on PATH. Install it (Debian: apt-get install -y nginx)${isRoot ? ', or set BENCH_INSTALL_NGINX=1 to let the benchmark install it' : ''}.`,
    };
  }
  console.log(
    'gateway: nginx is not on PATH; installing Debian’s package (BENCH_INSTALL_NGINX=1)…',
  );
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'nginx'], {
      encoding: 'utf8',
      env,
    });
  let result = install();
  if (result.status !== 0) {
    // A fresh machine has no package lists yet.
    spawnSync('apt-get', ['update'], { encoding: 'utf8', env });
    result = install();
  }
  const installed = findNginx();
  if (installed === undefined) {
    const tail = `${result.stdout ?? ''}${result.stderr ?? result.error ?? ''}`
      .trim()
      .split('\n')
      .slice(-5)
      .join('\n');
    return { missing: `apt-get install -y nginx failed:\n${tail}` };
  }
  return installed;
}

/** A port nothing listens on right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function nginxConfig({ dir, root, port }) {
  return `daemon off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events {
  worker_connections 1024;
}
http {
  access_log off;
  client_body_temp_path ${join(dir, 'client_body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  types {
    text/html html;
    application/octet-stream bin;
  }
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65s;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:${port};
    root ${root};
  }
}
`;
}

/** Starts nginx in the foreground on a free port, serving `files` (path → bytes). */
async function startNginx(resources, command, files) {
  const dir = await resources.dir('citadel-bench-nginx-');
  // Started by root, nginx's workers run as an unprivileged user that must read the files.
  await chmod(dir, 0o755);
  const root = join(dir, 'www');
  await mkdir(root, { mode: 0o755 });
  for (const [path, bytes] of files) {
    await writeFile(join(root, path), bytes, { mode: 0o644 });
  }
  const port = await freePort();
  const config = join(dir, 'nginx.conf');
  await writeFile(config, nginxConfig({ dir, root, port }));
  const child = resources.child(
    spawn(command, ['-p', `${dir}/`, '-c', config, '-e', join(dir, 'error.log')], {
      stdio: 'ignore',
    }),
  );
  const errorLog = async () =>
    (await readFile(join(dir, 'error.log'), 'utf8').catch(() => '')).trim();
  const deadline = performance.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`nginx exited at startup: ${await errorLog()}`);
    }
    const answer = await getOnce(port, `127.0.0.1:${port}`, SMALL_PATH).catch(() => undefined);
    if (answer?.status === 200) {
      return { port, pid: child.pid };
    }
    if (performance.now() > deadline) {
      throw new Error(`nginx did not answer on port ${port} within 10 s: ${await errorLog()}`);
    }
    await delay(50);
  }
}

// ---------------------------------------------------------------------------------------------
// The Citadel network, the gateway and the asset canister
// ---------------------------------------------------------------------------------------------

/** One GET on a fresh connection: status and body, for checks outside the measurement. */
function getOnce(port, host, path, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        headers: { host, 'accept-encoding': 'identity', ...headers },
      },
      (res) => {
        const parts = [];
        res.on('data', (chunk) => parts.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts) }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

const sha256Hex = (bytes) => createHash('sha256').update(bytes).digest('hex');

/**
 * `http_request` of the asset canister (see assets.did), for timing verification alone, and
 * `api_version` called as an update: a replicated query, whose round certifies a new state.
 */
const assetsIdl = ({ IDL: I }) => {
  const Header = I.Tuple(I.Text, I.Text);
  return I.Service({
    api_version: I.Func([], [I.Nat16], []),
    http_request: I.Func(
      [
        I.Record({
          method: I.Text,
          url: I.Text,
          headers: I.Vec(Header),
          body: I.Vec(I.Nat8),
          certificate_version: I.Opt(I.Nat16),
        }),
      ],
      [I.Record({ status_code: I.Nat16, headers: I.Vec(Header), body: I.Vec(I.Nat8) })],
      ['query'],
    ),
  });
};

/**
 * Loaded on first use, so the load generator's worker thread (which imports this file) does
 * not load the replica, the gateway and the agent.
 */
async function loadCitadel() {
  const [replica, gateway, agent, assets, candid, identity, deploy, verification] =
    await Promise.all([
      import('@citadel/replica'),
      import('@citadel/gateway'),
      import('@dfinity/agent'),
      import('@dfinity/assets'),
      import('@dfinity/candid'),
      import('@dfinity/identity'),
      import('./deploy-probe.mjs'),
      import('@dfinity/response-verification'),
    ]);
  return {
    startReplica: replica.startReplica,
    connectGateway: gateway.connectGateway,
    Actor: agent.Actor,
    HttpAgent: agent.HttpAgent,
    AssetManager: assets.AssetManager,
    IDL: candid.IDL,
    Ed25519KeyIdentity: identity.Ed25519KeyIdentity,
    installCanister: deploy.installCanister,
    verifyRequestResponsePair: verification.verifyRequestResponsePair,
  };
}

/** What the server side did since the last reset: gateway handler calls and replica queries. */
function createServerStats() {
  const stats = {
    reset() {
      Object.assign(stats, { handled: 0, handlerMs: 0, queries: 0, queryMs: 0, networkMs: 0 });
      stats.utilization = performance.eventLoopUtilization();
    },
    /** The main thread's event-loop utilization since the reset: the gateway's one thread. */
    serverUtilization() {
      return performance.eventLoopUtilization(stats.utilization).utilization;
    },
  };
  stats.reset();
  return stats;
}

/**
 * Starts a network in-process with the gateway on the replica's port, as `citadel start`
 * does (apps/cli/src/commands/start.ts), plus two with other cache lifetimes for requests
 * that carry {@link CACHE_SWITCH}. All reach the replica through its handler, wrapped to
 * count and time queries.
 */
async function startNetwork(citadel, resources, stats) {
  const dataDir = await resources.dir('citadel-bench-gateway-');
  const running = await citadel.startReplica({
    dataDir,
    port: 0,
    frontend: async (replica) => {
      const { network } = replica;
      const query = network.query.bind(network);
      network.query = async (params) => {
        const start = performance.now();
        const outcome = await query(params);
        stats.networkMs += performance.now() - start;
        return outcome;
      };
      const fetchReplica = async (input, init) => {
        // Node's global Request, as the replica's handler takes (start.ts does the same).
        const request = new globalThis.Request(input, init);
        const start = performance.now();
        const response = await replica.fetch(request);
        if (new URL(request.url).pathname.endsWith('/query')) {
          stats.queries++;
          stats.queryMs += performance.now() - start;
        }
        return response;
      };
      const connect = (options) =>
        citadel.connectGateway({
          replicaUrl: 'http://127.0.0.1',
          fetch: fetchReplica,
          rootKey: replica.rootKeyDer,
          ...options,
        });
      const gateways = {
        default: await connect({}),
        off: await connect({ cacheTtlMs: 0 }),
        long: await connect({ cacheTtlMs: LONG_CACHE_TTL_MS }),
      };
      return {
        async fetch(request) {
          const gateway = gateways[request.headers.get(CACHE_SWITCH) ?? 'default'];
          const start = performance.now();
          const response = await gateway.fetch(request);
          stats.handled++;
          stats.handlerMs += performance.now() - start;
          return response;
        },
        // Cache hits skip the Fetch adapter, as with `citadel start`.
        quickAnswer(request) {
          const gateway = gateways[request.header(CACHE_SWITCH) ?? 'default'];
          const start = performance.now();
          const answer = gateway.quickAnswer(request);
          if (answer !== undefined) {
            stats.handled++;
            stats.handlerMs += performance.now() - start;
          }
          return answer;
        },
      };
    },
  });
  resources.onRelease(() => running.close());
  return running;
}

/** Installs the asset canister and uploads `files` (path → { bytes, contentType }). */
async function deploySite(citadel, running, files) {
  const { HttpAgent, AssetManager, IDL, Ed25519KeyIdentity, installCanister } = citadel;
  const agent = await HttpAgent.create({
    host: running.url,
    identity: Ed25519KeyIdentity.generate(),
    shouldFetchRootKey: true,
  });
  const canisterId = await installCanister(
    agent,
    new Uint8Array(readFileSync(ASSETS_WASM)),
    new Uint8Array(IDL.encode([], [])),
  );
  const batch = new AssetManager({ canisterId, agent }).batch();
  for (const [path, { bytes, contentType }] of files) {
    await batch.store(bytes, { path: '', fileName: path.slice(1), contentType });
  }
  await batch.commit();
  return { agent, canisterId };
}

/**
 * p50 of `@dfinity/response-verification` alone on the answer the canister gives for `path`,
 * called as the gateway calls it (infra/gateway/src/verification/verify-response.ts): `warm`
 * verifies one answer again and again, `cold` a fresh certificate each time (an update first
 * makes the replica certify a new state). The library remembers BLS signatures it verified,
 * so the difference is the BLS check; a local network certifies a new state only when
 * something changes, so its query answers all carry the same certificate until then.
 */
async function verificationMs(citadel, { agent, canisterId, rootKey }, path, iterations) {
  const actor = citadel.Actor.createActor(assetsIdl, { agent, canisterId });
  const request = {
    method: 'GET',
    url: path,
    headers: [['accept-encoding', 'identity']],
    body: new Uint8Array(0),
    certificate_version: [2],
  };
  const verifier = (answer) => () =>
    citadel.verifyRequestResponsePair(
      request,
      { status_code: answer.status_code, headers: answer.headers, body: answer.body },
      canisterId.toUint8Array(),
      BigInt(Date.now()) * 1_000_000n,
      FIVE_MINUTES_NS,
      rootKey,
      1,
    );
  const time = (verify) => {
    const start = performance.now();
    const info = verify();
    const elapsed = performance.now() - start;
    if (info.verificationVersion !== 2) {
      throw new Error(`${path} was not verified as a v2 response`);
    }
    return elapsed;
  };
  const p50 = (samples) =>
    percentile(
      [...samples].sort((a, b) => a - b),
      50,
    );
  const warm = verifier(await actor.http_request(request));
  time(warm);
  const warmSamples = Array.from({ length: iterations }, () => time(warm));
  const coldSamples = [];
  for (let i = 0; i < Math.max(5, iterations / 5); i++) {
    await actor.api_version();
    coldSamples.push(time(verifier(await actor.http_request(request))));
  }
  return { warm: p50(warmSamples), cold: p50(coldSamples) };
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

/** Prints `rows` under `header`, columns aligned, then each of `notes` on a line of its own. */
function printTable(title, header, rows, notes = []) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i])));
  console.log(`\n${title}`);
  console.log(line(header).join('  '));
  for (const row of rows) {
    console.log(line(row).join('  '));
  }
  for (const note of notes) {
    console.log(note);
  }
}

const ms = (value) => (Number.isFinite(value) ? value.toFixed(2) : '-');
const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
const percent = (value) => `${Math.round(value * 100)}%`;

/**
 * With a directory, records a CPU profile of the gateway's thread over each measured window
 * (`<dir>/<scenario>.cpuprofile`, for Chrome DevTools); profiling slows what it measures.
 */
async function createProfiler(dir) {
  if (dir === undefined || dir === '') {
    return { start: () => {}, stop: async () => {}, close: () => {} };
  }
  await mkdir(dir, { recursive: true });
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  let started;
  return {
    start() {
      started = session.post('Profiler.start');
    },
    async stop(name) {
      await started;
      const { profile } = await session.post('Profiler.stop');
      const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.cpuprofile`);
      await writeFile(file, JSON.stringify(profile));
      console.log(`gateway: CPU profile of ${name} in ${file}`);
    },
    close: () => session.disconnect(),
  };
}

function pseudoRandomBytes(length, seed) {
  const bytes = new Uint8Array(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/**
 * Measures the gateway (cache on and off) and nginx with the same load on a small and a
 * large file, prints req/s, p50 and p99 with the ratio gateway / nginx, whether the goal is
 * met, and where the gateway's time goes at one connection. Skips (and says why) without
 * nginx. Every process, worker and temp dir it starts is released on return, on a throw, or
 * on SIGINT / SIGTERM.
 * @param options.durationMs measured time per scenario. @default BENCH_GATEWAY_SECONDS or 10 s
 * @param options.warmupMs load before each measurement, discarded. @default 2 000 ms
 * @param options.connections concurrent keep-alive connections. @default BENCH_GATEWAY_CONNECTIONS or 16
 * @param options.serialMs duration of each one-connection pass for the stage split. @default 3 000 ms
 * @example
 * const { skipped, scenarios } = await runGateway({ durationMs: 5_000 });
 */
export async function runGateway({
  durationMs = Number(process.env.BENCH_GATEWAY_SECONDS ?? 10) * 1000,
  warmupMs = 2_000,
  connections = Number(process.env.BENCH_GATEWAY_CONNECTIONS ?? 16),
  serialMs = 3_000,
} = {}) {
  const nginx = resolveNginx();
  if (nginx.missing !== undefined) {
    console.log(`\ngateway: skipped, no nginx baseline to compare with. ${nginx.missing}`);
    return { skipped: nginx.missing };
  }
  const page = new TextEncoder().encode(
    `<!doctype html><html><head><title>bench</title></head><body>${'<p>lorem ipsum dolor sit amet</p>'.repeat(28)}</body></html>\n`,
  );
  const files = new Map([
    [SMALL_PATH, { bytes: page, contentType: 'text/html' }],
    [
      LARGE_PATH,
      { bytes: pseudoRandomBytes(LARGE_BYTES, 42), contentType: 'application/octet-stream' },
    ],
  ]);

  const resources = createResources();
  try {
    const citadel = await loadCitadel();
    const stats = createServerStats();
    const running = await startNetwork(citadel, resources, stats);
    const { agent, canisterId } = await deploySite(citadel, running, files);
    const gatewayHost = `${canisterId.toText()}.localhost:${running.port}`;
    const web = await startNginx(
      resources,
      nginx.command,
      [...files].map(([path, { bytes }]) => [path.slice(1), bytes]),
    );
    const nginxHost = `localhost:${web.port}`;

    const servers = {
      gateway: { port: running.port, host: gatewayHost, headers: {} },
      [`gateway, ${LONG_CACHE_TTL_MS / 1000} s cache`]: {
        port: running.port,
        host: gatewayHost,
        headers: { [CACHE_SWITCH]: 'long' },
      },
      'gateway, cache off': {
        port: running.port,
        host: gatewayHost,
        headers: { [CACHE_SWITCH]: 'off' },
      },
      nginx: { port: web.port, host: nginxHost, headers: {} },
    };
    // All serve the same bytes before anything is measured.
    for (const [name, server] of Object.entries(servers)) {
      for (const [path, { bytes }] of files) {
        const answer = await getOnce(server.port, server.host, path, server.headers);
        if (answer.status !== 200 || sha256Hex(answer.body) !== sha256Hex(bytes)) {
          throw new Error(`${name} answered GET ${path} with ${answer.status} and other bytes`);
        }
      }
    }

    const profiler = await createProfiler(process.env.BENCH_GATEWAY_PROFILE);
    resources.onRelease(async () => profiler.close());
    const measure = async (name, path, load) => {
      const server = servers[name];
      const isGateway = name.startsWith('gateway');
      const result = await runLoad(
        resources,
        {
          ...load,
          port: server.port,
          host: server.host,
          headers: server.headers,
          path,
          expectedBytes: files.get(path).bytes.length,
        },
        () => {
          stats.reset();
          if (isGateway) {
            profiler.start();
          }
        },
      );
      if (isGateway) {
        await profiler.stop(`${name} ${path} ${load.connections} connections`);
      }
      return {
        name,
        path,
        ...result,
        serverUtilization: isGateway ? stats.serverUtilization() : Number.NaN,
        queriesPerRequest: isGateway ? stats.queries / stats.handled : Number.NaN,
        handlerMs: stats.handlerMs / stats.handled,
        queryMs: stats.queryMs / stats.handled,
        networkMs: stats.networkMs / stats.handled,
      };
    };

    const load = { connections, warmupMs, durationMs };
    const scenarios = [];
    for (const path of [SMALL_PATH, LARGE_PATH]) {
      for (const name of Object.keys(servers)) {
        scenarios.push(await measure(name, path, load));
      }
    }
    const serial = [];
    for (const path of [SMALL_PATH, LARGE_PATH]) {
      for (const name of ['gateway', 'gateway, cache off']) {
        serial.push(
          await measure(name, path, { connections: 1, warmupMs: 500, durationMs: serialMs }),
        );
      }
    }
    const site = { agent, canisterId, rootKey: running.rootKeyDer };
    const verifyMs = {
      [SMALL_PATH]: await verificationMs(citadel, site, SMALL_PATH, 50),
      [LARGE_PATH]: await verificationMs(citadel, site, LARGE_PATH, 50),
    };

    report({ scenarios, serial, verifyMs, files, connections, durationMs, nginx });
    return { scenarios, serial, verifyMs };
  } finally {
    await resources.release();
  }
}

function report({ scenarios, serial, verifyMs, files, connections, durationMs, nginx }) {
  const label = (path) =>
    `${path === SMALL_PATH ? 'small' : 'large'} ${path} (${files.get(path).bytes.length} B)`;
  const nginxOf = (path) => scenarios.find((s) => s.name === 'nginx' && s.path === path);
  printTable(
    `gateway: GET through the gateway vs nginx ${nginx.version} (1 worker), ${connections} keep-alive connections, ${durationMs / 1000} s each`,
    [
      'server',
      'file',
      'req/s',
      'p50 ms',
      'p99 ms',
      'failed',
      'conns',
      'queries/req',
      'server busy',
      'client busy',
      'ratio req/s',
      'ratio p50',
      'ratio p99',
    ],
    scenarios.map((s) => {
      const base = nginxOf(s.path);
      return [
        s.name,
        label(s.path),
        s.reqPerSec.toFixed(0),
        ms(s.p50),
        ms(s.p99),
        String(s.failed),
        String(s.connectionsOpened),
        Number.isFinite(s.queriesPerRequest) ? s.queriesPerRequest.toFixed(3) : '-',
        Number.isFinite(s.serverUtilization) ? percent(s.serverUtilization) : '-',
        percent(s.clientUtilization),
        ratio(s.reqPerSec, base.reqPerSec),
        ratio(s.p50, base.p50),
        ratio(s.p99, base.p99),
      ];
    }),
    [
      `gateway: as \`citadel start\` serves it (cache of verified responses, 2 s by default); ${LONG_CACHE_TTL_MS / 1000} s cache: nothing expires while measuring, so only cache hits; cache off: a query and a verification per request`,
      'ratios: gateway / nginx on the same file; failed: non-200 or wrong length; conns: connections the client opened (keep-alive: as many as it runs)',
      'queries/req: replica queries the gateway made per request (0 when answered from its cache); busy: event-loop utilization of the gateway thread and of the load generator',
      ...(scenarios.some((s) => s.name === 'nginx' && s.clientUtilization > 0.8)
        ? [
            'the load generator was saturated against nginx: its figure is a lower bound, so the ratios against it are upper bounds',
          ]
        : []),
    ],
  );
  for (const path of [SMALL_PATH, LARGE_PATH]) {
    const shareOf = (name) =>
      scenarios.find((s) => s.name === name && s.path === path).reqPerSec / nginxOf(path).reqPerSec;
    const share = shareOf('gateway');
    const hits = shareOf(`gateway, ${LONG_CACHE_TTL_MS / 1000} s cache`);
    console.log(
      `goal (cached certified responses at >= ${GOAL_RATIO}x nginx's req/s), ${label(path)}: ${share >= GOAL_RATIO ? 'met' : 'NOT met'} (${share.toFixed(3)}x; cache hits alone ${hits.toFixed(3)}x)`,
    );
  }

  printTable(
    'gateway: where the time goes at one connection, mean ms per request',
    [
      'gateway',
      'file',
      'req/s',
      'end to end',
      'outside handler',
      'handler',
      'queries/req',
      'query round trip',
      'of which network.query',
      'verification (est.)',
      'handler rest',
    ],
    serial.map((s) => {
      const verification = verifyMs[s.path].warm * s.queriesPerRequest;
      return [
        s.name,
        label(s.path),
        s.reqPerSec.toFixed(0),
        ms(s.meanMs),
        ms(s.meanMs - s.handlerMs),
        ms(s.handlerMs),
        s.queriesPerRequest.toFixed(3),
        ms(s.queryMs),
        ms(s.networkMs),
        ms(verification),
        ms(s.handlerMs - s.queryMs - verification),
      ];
    }),
    [
      "outside handler: the client, sockets and the replica's node:http adapter (Request in, Response body out); handler: the gateway's fetch()",
      'query round trip: the replica handler for /query (envelope, CBOR, signature); network.query: the data-certificate witness plus the execution on the canister thread',
      `verification (est.): queries/req x the p50 of @dfinity/response-verification alone on the same answer, its BLS signature already checked once: ${[
        SMALL_PATH,
        LARGE_PATH,
      ]
        .map((path) => `${path} ${ms(verifyMs[path].warm)} ms`)
        .join(', ')}`,
      `  (the answers of a local network carry the same certificate until its state changes; each new certificate costs a BLS check once: ${[
        SMALL_PATH,
        LARGE_PATH,
      ]
        .map((path) => `${path} ${ms(verifyMs[path].cold)} ms`)
        .join(', ')} with a fresh certificate)`,
      "handler rest: the agent (request, CBOR and Candid decoding), cache lookup and the gateway's own work",
    ],
  );
}

if (!isMainThread && workerData?.role === 'load') {
  parentPort.postMessage(await generateLoad(workerData));
} else if (isMainThread && import.meta.url === `file://${process.argv[1]}`) {
  await runGateway();
}
