import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { ActorSubclass, HttpAgent } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestNetwork } from '../../../../infra/replica/src/integration/harness.js';
import { startTestNetwork } from '../../../../infra/replica/src/integration/harness.js';
import { parseCandid } from '../candid/parse-candid.js';
import { writeBindings } from '../candid/write-bindings.js';
import { buildBackendCanister } from './build-backend.js';

/**
 * Builds a tiny Azle canister with the repository's real Azle 0.33, as `citadel deploy` will,
 * then installs it on an in-process replica and calls it through the bindings generated from
 * the `.did` Azle wrote. The fixture project lives under the repository's node_modules (ignored
 * by git, ESLint and Prettier) so that azle and typescript resolve from it.
 */

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const PROJECT = join(REPO, 'node_modules', '.cache', 'citadel-fixtures', `backend-${process.pid}`);
const OUT = join(PROJECT, '.citadel', 'out');

const SOURCES: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'fixture-app', private: true, type: 'module' }),
  'citadel.json': JSON.stringify({
    canisters: { backend: { main: 'canisters/backend/src/index.ts' } },
  }),
  'canisters/backend/src/index.ts': `import { IDL, query, update } from 'azle';
import { greetingFor } from './greeting';

/** A recursive type, which Azle writes as \`type rec_0 = …\` in the .did. */
const Tree = IDL.Rec();
Tree.fill(IDL.Variant({ leaf: IDL.Nat, node: IDL.Vec(Tree) }));
type Tree = { leaf: bigint } | { node: Tree[] };

function sum(tree: Tree): bigint {
  return 'leaf' in tree ? tree.leaf : tree.node.reduce((total, child) => total + sum(child), 0n);
}

export default class {
  count = 0n;

  @query([IDL.Text], IDL.Text)
  greet(name: string): string {
    return greetingFor(name);
  }

  @update([], IDL.Nat)
  increment(): bigint {
    this.count += 1n;
    return this.count;
  }

  @query([Tree], IDL.Nat)
  total(tree: Tree): bigint {
    return sum(tree);
  }
}
`,
  'canisters/backend/src/greeting.ts': `export function greetingFor(name: string): string {
  return \`Hello, \${name}!\`;
}
`,
};

interface Backend {
  greet(name: string): Promise<string>;
  increment(): Promise<bigint>;
  total(tree: unknown): Promise<bigint>;
}

describe('buildBackendCanister with the real Azle', () => {
  const timings: string[] = [];

  beforeAll(async () => {
    await rm(PROJECT, { recursive: true, force: true });
    for (const [file, text] of Object.entries(SOURCES)) {
      await mkdir(dirname(join(PROJECT, file)), { recursive: true });
      await writeFile(join(PROJECT, file), text);
    }
  });
  afterAll(async () => {
    console.log(`backend build timings: ${timings.join(', ')}`);
    await rm(PROJECT, { recursive: true, force: true });
  });

  it('builds a canister, generates its bindings, skips the unchanged rebuild, and the bindings call it', async () => {
    const options = {
      projectRoot: PROJECT,
      name: 'backend',
      main: 'canisters/backend/src/index.ts',
      outDir: OUT,
    };
    let started = performance.now();
    const first = await buildBackendCanister(options);
    timings.push(`first ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(first.built).toBe(true);
    expect(first.azleVersion).toMatch(/^0\.33\./);

    // A gzip (magic 1f 8b) of a Wasm module (magic \0asm, version 1).
    const gz = await readFile(first.wasmGzPath);
    expect([...gz.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    const wasm = gunzipSync(gz);
    expect([...wasm.subarray(0, 8)]).toEqual([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    expect(wasm.length).toBe(first.wasmBytes);
    expect(gz.length).toBe(first.wasmGzBytes);

    expect(first.candid).toBe(await readFile(first.candidPath, 'utf8'));
    expect(first.candid).toMatch(/greet: \(text\) -> \(text\) query;/);
    expect(first.candid).toMatch(/increment: \(\) -> \(nat\);/);
    expect(first.candid).toMatch(/type rec_\d+ = variant/);
    const program = parseCandid(first.candid);
    const actorType = program.actor?.type;
    expect(actorType?.kind === 'service' && actorType.methods.map((method) => method.name)).toEqual(
      ['greet', 'increment', 'total'],
    );

    const bindings = await writeBindings(
      join(PROJECT, 'src', 'declarations'),
      'backend',
      first.candid,
    );
    expect(bindings.files.map((file) => file.slice(bindings.dir.length + 1))).toEqual([
      'backend.did',
      'backend.did.js',
      'backend.did.d.ts',
      'index.js',
      'index.d.ts',
    ]);

    started = performance.now();
    const second = await buildBackendCanister(options);
    const secondSeconds = (performance.now() - started) / 1000;
    timings.push(`unchanged ${(secondSeconds * 1000).toFixed(0)} ms`);
    expect(second).toEqual({ ...first, built: false });
    expect(secondSeconds).toBeLessThan(5);

    // The bindings generated from Azle's .did drive the canister on a replica.
    const net: TestNetwork = await startTestNetwork();
    try {
      const owner = Ed25519KeyIdentity.generate();
      const canisterId = await net.deploy(owner, new Uint8Array(gz));
      const module = (await import(pathToFileURL(join(bindings.dir, 'index.js')).href)) as {
        createActor: (id: unknown, options: { agent: HttpAgent }) => ActorSubclass<Backend>;
      };
      const backend = module.createActor(canisterId, { agent: await net.agent(owner) });
      expect(await backend.greet('Citadel')).toBe('Hello, Citadel!');
      expect(await backend.increment()).toBe(1n);
      expect(await backend.increment()).toBe(2n);
      const tree = { node: [{ leaf: 1n }, { node: [{ leaf: 2n }, { leaf: 3n }] }, { node: [] }] };
      expect(await backend.total(tree)).toBe(6n);
    } finally {
      await net.close();
    }
  }, 300_000);
});
