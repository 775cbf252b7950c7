// Cost of the certified asset canister on a live local network, each against a baseline
// measured in the same run:
// - http_request through the unmodified @dfinity/agent, for a ~1 KB page and an 8 MiB file
//   streamed in 1.9 MB chunks: latency p50/p99 and Wasm instructions per request, vs the same
//   number of queries to the canister's trivial `api_version` (the probe's `get`, a small
//   canister, is shown too), with the time split over the replica's stages;
// - uploading a generated site (BENCH_ASSET_FILES files, default 1 000) with the unmodified
//   @dfinity/assets `AssetManager.batch()` and one `commit()`: MB/s and files/s end to end and
//   the commit's own duration, vs uploading the same bytes as chunks only (create_batch +
//   create_chunk, no commit), so the ratio is what committing and certifying cost.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { TextEncoder } from 'node:util';
import { Actor, HttpAgent, blsVerify } from '@dfinity/agent';
import { AssetManager } from '@dfinity/assets';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { sha256 } from '@noble/hashes/sha2.js';
import { startReplica } from '@citadel/replica';
import { deployProbe, installCanister } from './deploy-probe.mjs';

const ASSETS_WASM = new URL('../canisters/assets/dist/assets.wasm.gz', import.meta.url);
/** @dfinity/assets' default chunk size, which is also what http_request streams in. */
const CHUNK_BYTES = 1_900_000;
const LARGE_BYTES = 8 * 1024 * 1024;
/** @dfinity/assets' default number of calls in flight; the chunks-only baseline uses it too. */
const CONCURRENCY = 16;
const MB = 1_000_000;
const MIB = 1024 * 1024;

/** The part of the asset canister's interface the benchmark calls directly (see assets.did). */
const assetsIdl = ({ IDL: I }) => {
  const Header = I.Tuple(I.Text, I.Text);
  const Token = I.Record({
    key: I.Text,
    content_encoding: I.Text,
    index: I.Nat,
    sha256: I.Opt(I.Vec(I.Nat8)),
  });
  const StreamingResponse = I.Record({ body: I.Vec(I.Nat8), token: I.Opt(Token) });
  return I.Service({
    api_version: I.Func([], [I.Nat16], ['query']),
    create_batch: I.Func([I.Record({})], [I.Record({ batch_id: I.Nat })], []),
    create_chunk: I.Func(
      [I.Record({ batch_id: I.Nat, content: I.Vec(I.Nat8) })],
      [I.Record({ chunk_id: I.Nat })],
      [],
    ),
    delete_batch: I.Func([I.Record({ batch_id: I.Nat })], [], []),
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
      [
        I.Record({
          status_code: I.Nat16,
          headers: I.Vec(Header),
          body: I.Vec(I.Nat8),
          streaming_strategy: I.Opt(
            I.Variant({
              Callback: I.Record({
                callback: I.Func([Token], [I.Opt(StreamingResponse)], ['query']),
                token: Token,
              }),
            }),
          ),
        }),
      ],
      ['query'],
    ),
    http_request_streaming_callback: I.Func([Token], [StreamingResponse], ['query']),
  });
};

const probeIdl = ({ IDL: I }) => I.Service({ get: I.Func([], [I.Nat], ['query']) });

/**
 * Creates a canister through `agent` and installs the asset canister (gzipped) into it; the
 * returned actor gets `actorOptions` (e.g. `blsVerify`).
 */
async function deployAssets(agent, actorOptions = {}) {
  const canisterId = await installCanister(
    agent,
    new Uint8Array(readFileSync(ASSETS_WASM)),
    new Uint8Array(IDL.encode([], [])),
  );
  return {
    canisterId,
    actor: Actor.createActor(assetsIdl, { agent, canisterId, ...actorOptions }),
  };
}

/**
 * Times the stages of a call and reads the instructions each execution reports, which the
 * HTTP interface does not expose. Two hooks are options of the agent itself: `fetch` times the
 * HTTP exchange (until the answer's headers: the replica answers once its handler is done),
 * `blsVerify` (the agent's own verifier, timed) the certificate checks of update answers. The
 * rest wrap methods of this run's own replica objects (no replica code is changed):
 * `network.query` (data-certificate witness + execution), the subnet's BLS signer (once per
 * round), and each watched canister's `instance.execute` / `executeSliced` (the round trip to
 * the canister's thread: heap capture, Wasm, heap restore, the reply cloned back). Every
 * record carries the label of the call in flight; labelled calls are made one at a time.
 */
function createObserver(network) {
  let records = [];
  let label;
  const record = (stage, fields) => records.push({ stage, label, ...fields });
  const query = network.query.bind(network);
  network.query = async (params) => {
    const start = performance.now();
    const outcome = await query(params);
    record('network', { ms: performance.now() - start });
    return outcome;
  };
  const signer = network.keys.stateSigner;
  const sign = signer.sign.bind(signer);
  signer.sign = (message) => {
    const start = performance.now();
    const signature = sign(message);
    record('bls-sign', { ms: performance.now() - start });
    return signature;
  };
  return {
    blsVerify: async (...args) => {
      const start = performance.now();
      const valid = await blsVerify(...args);
      record('bls-verify', { ms: performance.now() - start });
      return valid;
    },
    fetch: async (input, init) => {
      const start = performance.now();
      const response = await globalThis.fetch(input, init);
      if (String(input).endsWith('/query')) {
        record('http', { ms: performance.now() - start });
      }
      return response;
    },
    watch(canisterId) {
      const { instance } = network.canisters.get(canisterId.toUint8Array()).code;
      const canister = canisterId.toText();
      const execute = instance.execute.bind(instance);
      instance.execute = async (entry, env, options) => {
        const start = performance.now();
        const result = await execute(entry, env, options);
        if (entry.kind === 'query') {
          const { instructions } = result;
          record('execute', { canister, ms: performance.now() - start, instructions });
        }
        return result;
      };
      // Update-like executions run sliced; the last step carries the instructions of all.
      const executeSliced = instance.executeSliced.bind(instance);
      instance.executeSliced = (entry, env, slice) => {
        const follow = (step) =>
          step.then((s) => {
            if (s.kind === 'paused') {
              return { kind: 'paused', resume: () => follow(s.resume()) };
            }
            const method = entry.method ?? entry.kind;
            record('update', { canister, method, instructions: s.result.instructions });
            return s;
          });
        return follow(executeSliced(entry, env, slice));
      };
      return instance;
    },
    record,
    /** Labels the records of the calls that follow. */
    label(name) {
      label = name;
    },
    /** The records since the last call, and forgets them. */
    take() {
      const taken = records;
      records = [];
      return taken;
    },
  };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

const p50 = (samples) => summarize(samples).p50;

/**
 * Runs `request` `iterations` times; it makes its queries through `timed(label, call)`, which
 * records each one's latency through the agent under `label`.
 */
async function measure(iterations, request, observer) {
  const samples = [];
  const timed = async (label, call) => {
    observer.label(label);
    const start = performance.now();
    const value = await call();
    observer.record('agent', { ms: performance.now() - start });
    return value;
  };
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await request(timed);
    samples.push(performance.now() - start);
  }
  return summarize(samples);
}

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

const ms = (value) => value.toFixed(2);
const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
const millions = (value) => `${(value / 1e6).toFixed(1)} M`;

/** Median time of one copy of `bytes` (a query's execution copies the heap twice). */
function copyMs(bytes) {
  const source = new Uint8Array(bytes).fill(7);
  const target = new Uint8Array(bytes);
  const samples = [];
  for (let i = 0; i < 15; i++) {
    const start = performance.now();
    target.set(source);
    samples.push(performance.now() - start);
  }
  return p50(samples);
}

const httpGet = (url) => ({
  method: 'GET',
  url,
  headers: [['accept-encoding', 'identity']],
  body: new Uint8Array(0),
  certificate_version: [2],
});

/** One GET as a gateway makes it: http_request, then every streaming callback; returns the body length. */
async function fetchAsset(actor, url, timed) {
  const response = await timed('http_request', () => actor.http_request(httpGet(url)));
  if (response.status_code !== 200) {
    throw new Error(`GET ${url} answered ${response.status_code}`);
  }
  let length = response.body.length;
  let token = response.streaming_strategy[0]?.Callback.token;
  while (token !== undefined) {
    const next = await timed('streaming_callback', () =>
      actor.http_request_streaming_callback(token),
    );
    length += next.body.length;
    token = next.token[0];
  }
  return length;
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

function pseudoText(length, seed) {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz(){};=.,\n ';
  return new TextEncoder().encode(
    Array.from(pseudoRandomBytes(length, seed), (b) => alphabet[b % alphabet.length]).join(''),
  );
}

/** Mostly 1–6 KB text files; one in a hundred is a 300 KB image. */
function generateSite(count) {
  const kinds = [
    ['js', 'text/javascript'],
    ['css', 'text/css'],
    ['html', 'text/html'],
    ['json', 'application/json'],
  ];
  return Array.from({ length: count }, (_, i) => {
    if (i % 100 === 99) {
      return {
        path: `/media/${i % 7}`,
        fileName: `image-${i}.png`,
        contentType: 'image/png',
        bytes: pseudoRandomBytes(300_000, i + 1),
      };
    }
    const [ext, contentType] = kinds[i % kinds.length];
    return {
      path: `/static/${ext}/${i % 10}`,
      fileName: `file-${i}.${ext}`,
      contentType,
      bytes: pseudoText(1_024 + ((i * 7_919) % 5_120), i + 1),
    };
  });
}

/** Runs `tasks` with at most `concurrency` in flight, as @dfinity/assets' limiter does. */
async function runLimited(tasks, concurrency) {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      await tasks[next++]();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * Per label: how many messages a request makes, their instructions, and each stage's p50 as
 * the p50 of per-message differences (calls are sequential, so the i-th record of every
 * stage belongs to the same message).
 */
function stagesOf(records, iterations) {
  const labels = [...new Set(records.map((r) => r.label))];
  return labels.map((label) => {
    const of = (stage) => records.filter((r) => r.label === label && r.stage === stage);
    const [agent, http, network, execute] = ['agent', 'http', 'network', 'execute'].map(of);
    const diff = (outer, inner) => p50(outer.map((r, i) => r.ms - (inner[i]?.ms ?? Number.NaN)));
    return {
      label,
      perRequest: execute.length / iterations,
      instructions: Number(execute.reduce((sum, r) => sum + r.instructions, 0n)) / execute.length,
      agent: p50(agent.map((r) => r.ms)),
      client: diff(agent, http),
      server: diff(http, network),
      witness: diff(network, execute),
      thread: p50(execute.map((r) => r.ms)),
    };
  });
}

async function httpRequestCost({ agent, observer }, iterations, largeIterations) {
  const { canisterId, actor } = await deployAssets(agent);
  const { canisterId: probeId, actor: probe } = await deployProbe(agent, probeIdl);
  const instances = { assets: observer.watch(canisterId), probe: observer.watch(probeId) };

  const page = new TextEncoder().encode(
    `<!doctype html><html><head><title>bench</title></head><body>${'<p>lorem ipsum dolor sit amet</p>'.repeat(30)}</body></html>`,
  );
  const assets = new AssetManager({ canisterId, agent });
  const batch = assets.batch();
  await batch.store(page, { path: '', fileName: 'index.html', contentType: 'text/html' });
  await batch.store(pseudoRandomBytes(LARGE_BYTES, 42), {
    path: '/media',
    fileName: 'large.bin',
    contentType: 'application/octet-stream',
  });
  await batch.commit();

  const repeat = async (times, timed, label, call) => {
    for (let i = 0; i < times; i++) {
      await timed(label, call);
    }
  };
  const largeQueries = Math.ceil(LARGE_BYTES / CHUNK_BYTES);
  const scenarios = [
    {
      name: `small: GET /index.html (${page.length} B)`,
      canister: 'assets',
      queries: 1,
      iterations,
      run: async (timed) => {
        if ((await fetchAsset(actor, '/index.html', timed)) !== page.length) {
          throw new Error('/index.html came back with the wrong length');
        }
      },
    },
    {
      name: 'baseline: api_version x1',
      canister: 'assets',
      queries: 1,
      iterations,
      run: (timed) => repeat(1, timed, 'api_version', () => actor.api_version()),
    },
    {
      name: 'large: GET /media/large.bin (8 MiB)',
      canister: 'assets',
      queries: largeQueries,
      iterations: largeIterations,
      run: async (timed) => {
        if ((await fetchAsset(actor, '/media/large.bin', timed)) !== LARGE_BYTES) {
          throw new Error('/media/large.bin came back with the wrong length');
        }
      },
    },
    {
      name: `baseline: api_version x${largeQueries}`,
      canister: 'assets',
      queries: largeQueries,
      iterations: largeIterations,
      run: (timed) => repeat(largeQueries, timed, 'api_version', () => actor.api_version()),
    },
    {
      name: 'probe canister: get x1',
      canister: 'probe',
      queries: 1,
      iterations,
      run: (timed) => repeat(1, timed, 'get', () => probe.get()),
    },
  ];

  const results = [];
  for (const scenario of scenarios) {
    // Warm up so JIT, the agent's subnet-key cache and the canister's caches settle.
    const untimed = (label, call) => call();
    for (let i = 0; i < 5; i++) {
      await scenario.run(untimed);
    }
    observer.take();
    const latency = await measure(scenario.iterations, scenario.run, observer);
    const stages = stagesOf(observer.take(), scenario.iterations);
    const instructions = stages.reduce((sum, s) => sum + s.instructions * s.perRequest, 0);
    results.push({ ...scenario, latency, stages, instructions });
  }

  const [small, smallBase, large, largeBase, probeGet] = results;
  printTable(
    `assets-canister: GET through @dfinity/agent (queries), ${iterations} requests (large: ${largeIterations}), ms, Wasm instructions per request`,
    ['request', 'queries', 'p50', 'p99', 'instructions', 'ratio p50', 'ratio p99', 'ratio instr.'],
    [
      [small, smallBase],
      [smallBase, smallBase],
      [large, largeBase],
      [largeBase, largeBase],
      [probeGet, smallBase],
    ].map(([r, base]) => [
      r.name,
      r.queries,
      ms(r.latency.p50),
      ms(r.latency.p99),
      millions(r.instructions),
      ratio(r.latency.p50, base.latency.p50),
      ratio(r.latency.p99, base.latency.p99),
      ratio(r.instructions, base.instructions),
    ]),
    [
      'ratios: against the api_version row with as many queries (the probe row against api_version x1)',
    ],
  );

  const heapBytes = {
    assets: instances.assets.heapSizeBytes,
    probe: instances.probe.heapSizeBytes,
  };
  const heapCopyMs = { assets: 2 * copyMs(heapBytes.assets), probe: 2 * copyMs(heapBytes.probe) };
  printTable(
    'assets-canister: one query message by stage, p50 ms',
    [
      'message',
      'per request',
      'instructions',
      'agent total',
      'client',
      'server',
      'witness',
      'thread',
      'thread - heap copies',
    ],
    results.flatMap((r) =>
      r.stages.map((s) => [
        `${r.name.split(':')[0]}: ${s.label}`,
        s.perRequest.toFixed(0),
        millions(s.instructions),
        ms(s.agent),
        ms(s.client),
        ms(s.server),
        ms(s.witness),
        ms(s.thread),
        ms(s.thread - heapCopyMs[r.canister]),
      ]),
    ),
    [
      'client: the agent (encode, sign, verify the node signature, decode); server: HTTP and the replica handler (envelope, CBOR, query-response signature);',
      'witness: the data certificate cut for the query; thread: the round trip to the canister thread (heap copy, Wasm, heap restore, reply cloned back)',
      ...['assets', 'probe'].map(
        (canister) =>
          `${canister} canister heap: ${(heapBytes[canister] / MIB).toFixed(1)} MiB, copied before and restored after every query (${ms(heapCopyMs[canister])} ms for both copies, measured on this thread)`,
      ),
    ],
  );
}

async function uploadThroughput({ agent, observer, network }, files) {
  const site = generateSite(files);
  const totalBytes = site.reduce((sum, file) => sum + file.bytes.length, 0);

  // Baseline: the same bytes as chunks of a batch that is never committed.
  const chunksOnly = await deployAssets(agent, { blsVerify: observer.blsVerify });
  observer.watch(chunksOnly.canisterId);
  observer.take();
  let heightBefore = network.height;
  let start = performance.now();
  const { batch_id } = await chunksOnly.actor.create_batch({});
  const tasks = site.flatMap((file) =>
    Array.from(
      { length: Math.max(1, Math.ceil(file.bytes.length / CHUNK_BYTES)) },
      (_, i) => () =>
        chunksOnly.actor.create_chunk({
          batch_id,
          content: file.bytes.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES),
        }),
    ),
  );
  await runLimited(tasks, CONCURRENCY);
  const chunksMs = performance.now() - start;
  const chunksRounds = network.height - heightBefore;
  const chunksRecords = observer.take();
  await chunksOnly.actor.delete_batch({ batch_id });

  // Measured: AssetManager.batch() and one commit(), on a fresh canister.
  const { canisterId, actor } = await deployAssets(agent);
  observer.watch(canisterId);
  const assets = new AssetManager({ canisterId, agent, blsVerify: observer.blsVerify });
  // A private field of @dfinity/assets: the only handle on commit_batch inside commit().
  const commitBatch = assets._actor.commit_batch;
  let commitMs = Number.NaN;
  let uploadRecords = [];
  let commitRecords = [];
  let commitRounds;
  assets._actor.commit_batch = async (...args) => {
    uploadRecords = observer.take();
    const height = network.height;
    const t = performance.now();
    const value = await commitBatch(...args);
    commitMs = performance.now() - t;
    commitRounds = network.height - height;
    commitRecords = observer.take();
    return value;
  };
  observer.take();
  heightBefore = network.height;
  start = performance.now();
  const batch = assets.batch();
  for (const file of site) {
    await batch.store(file.bytes, {
      path: file.path,
      fileName: file.fileName,
      contentType: file.contentType,
    });
  }
  await batch.commit();
  const uploadMs = performance.now() - start;
  const uploadRounds = network.height - heightBefore;
  const allRecords = [...uploadRecords, ...commitRecords, ...observer.take()];

  const last = site[site.length - 1];
  const served = await actor.http_request(httpGet(`${last.path}/${last.fileName}`));
  const expected = sha256(last.bytes);
  if (served.status_code !== 200 || sha256(served.body).some((b, i) => b !== expected[i])) {
    throw new Error(`the last file uploaded is not served after commit (${served.status_code})`);
  }

  const seconds = (records, stage) =>
    (records.filter((r) => r.stage === stage).reduce((sum, r) => sum + r.ms, 0) / 1000).toFixed(2);
  const row = (name, totalMs, rounds, records) => [
    name,
    (totalMs / 1000).toFixed(2),
    ((totalBytes / MB) * (1000 / totalMs)).toFixed(2),
    (files * (1000 / totalMs)).toFixed(0),
    ratio(totalMs, chunksMs),
    String(rounds),
    ms(totalMs / Number(rounds)),
    seconds(records, 'bls-verify'),
    seconds(records, 'bls-sign'),
  ];
  const updates = (records, method) =>
    records.filter((r) => r.stage === 'update' && (method === undefined || r.method === method));
  const meanInstructions = (records) =>
    millions(Number(records.reduce((sum, r) => sum + r.instructions, 0n)) / records.length);
  const commitExecutions = updates(commitRecords);
  const commitInstructions = Number(commitExecutions.reduce((sum, r) => sum + r.instructions, 0n));
  printTable(
    `assets-canister: upload of a generated site, ${files} files, ${(totalBytes / MB).toFixed(2)} MB, ${CONCURRENCY} calls in flight`,
    [
      'upload',
      's',
      'MB/s',
      'files/s',
      'ratio time',
      'rounds',
      'ms/round',
      'agent BLS s',
      'replica BLS s',
    ],
    [
      row('AssetManager.batch() + commit()', uploadMs, uploadRounds, allRecords),
      row('  of which commit_batch', commitMs, commitRounds, commitRecords),
      row('chunks only, no commit (baseline)', chunksMs, chunksRounds, chunksRecords),
    ],
    [
      "BLS s: time the agent spent verifying answers' certificates, and the replica signing each round's state, both on this process's one thread",
      `instructions: create_chunk ${meanInstructions(updates(uploadRecords, 'create_chunk'))} per call (baseline ${meanInstructions(updates(chunksRecords, 'create_chunk'))}); ` +
        `commit_batch ${(commitInstructions / 1e9).toFixed(1)} B (${millions(commitInstructions / files)} per file) over ${commitExecutions.length} update-like executions (${[...new Set(commitExecutions.map((r) => r.method))].join(', ')})`,
      'commit_batch returns once the new version is certified and served; the canister certifies in 5 B-instruction steps, one message each (each sliced over 2 B-instruction rounds), so a 1 000-file commit legitimately takes tens of seconds.',
    ],
  );
}

/**
 * Runs both measurements on one local network started in-process.
 * @param options.iterations requests per small scenario. @default 200
 * @param options.largeIterations 8 MiB requests. @default iterations / 10, at least 10
 * @param options.files files of the generated site. @default BENCH_ASSET_FILES or 1 000
 */
export async function runAssetsCanister({
  iterations = 200,
  largeIterations = Math.max(10, Math.round(iterations / 10)),
  files = Number(process.env.BENCH_ASSET_FILES ?? 1000),
} = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'citadel-bench-assets-'));
  const running = await startReplica({ dataDir, port: 0 });
  try {
    const observer = createObserver(running.replica.network);
    const agent = await HttpAgent.create({
      host: running.url,
      identity: Ed25519KeyIdentity.generate(),
      shouldFetchRootKey: true,
      fetch: observer.fetch,
    });
    await httpRequestCost({ agent, observer }, iterations, largeIterations);
    await uploadThroughput({ agent, observer, network: running.replica.network }, files);
  } finally {
    await running.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runAssetsCanister({ iterations: Number(process.env.BENCH_ITERATIONS ?? 200) });
}
