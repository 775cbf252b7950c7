import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isCitadelError } from '@citadel/protocol';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateActorModule, generateBindings } from './generate-bindings.js';
import { parseCandid } from './parse-candid.js';
import { writeBindings } from './write-bindings.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const REAL_DID_FILES = [
  join(ROOT, 'canisters', 'assets', 'dist', 'assets.did'),
  ...readdirSync(join(ROOT, 'infra', 'replica', 'test-canisters', 'dist'))
    .filter((file) => file.endsWith('.did'))
    .map((file) => join(ROOT, 'infra', 'replica', 'test-canisters', 'dist', file)),
];
const didOf = (name: string): string =>
  readFileSync(REAL_DID_FILES.find((file) => basename(file) === `${name}.did`) as string, 'utf8');

/**
 * Every construct the generator handles: recursion (direct, through opt, mutual, through an
 * alias, of a service), func and service references, every primitive, quoted and numbered
 * labels, tuples, blobs, a type name JavaScript reserves, init arguments and method annotations.
 */
const ALL_CONSTRUCTS = `
type Count = nat;
type List = opt record { head : int; tail : List };
type Tree = variant { leaf : nat; node : record { Tree; Tree } };
type A = record { b : opt B; label : text };
type B = record { a : vec A };
type Chain = Links;
type Links = vec opt Chain;
type Callback = func (text) -> (nat) query;
type Counter = service { next : () -> (nat); self : () -> (Counter) query };
type Numbers = record {
  n : nat; n8 : nat8; n16 : nat16; n32 : nat32; n64 : nat64;
  i : int; i8 : int8; i16 : int16; i32 : int32; i64 : int64;
  f32 : float32; f64 : float64; yes : bool;
};
type Odd = record { "a b" : bool; "it's" : text; 5 : nat; 6 : null; anything : reserved };
type Pair = record { text; Count };
type Byte = nat8;
type Bytes = vec Byte;
type Result = variant { Ok : Pair; Err : text; Retry };
type function = nat;
type Never = variant {};
service : (config : opt record { owner : principal }, Count) -> {
  roundtrip : (List, Tree, A, Numbers, Odd, Pair, Bytes, blob, Result, function, Chain) -> (List, Tree, A, Numbers, Odd, Pair, Bytes, blob, Result, function, Chain) query;
  refs : (Callback, Counter, principal) -> (opt Callback, opt Counter) composite_query;
  notify : (text) -> () oneway;
  "quoted method" : () -> ();
  nothing : (Never) -> (empty, reserved, null);
  typed : Callback;
}
`;

/** Hand-written IDL of ALL_CONSTRUCTS's types, as a developer would write them. */
function handBuilt() {
  const List = IDL.Rec();
  List.fill(IDL.Opt(IDL.Record({ head: IDL.Int, tail: List })));
  const Tree = IDL.Rec();
  Tree.fill(IDL.Variant({ leaf: IDL.Nat, node: IDL.Tuple(Tree, Tree) }));
  const A = IDL.Rec();
  const B = IDL.Record({ a: IDL.Vec(A) });
  A.fill(IDL.Record({ b: IDL.Opt(B), label: IDL.Text }));
  const Chain = IDL.Rec();
  Chain.fill(IDL.Vec(IDL.Opt(Chain)));
  const Numbers = IDL.Record({
    n: IDL.Nat,
    n8: IDL.Nat8,
    n16: IDL.Nat16,
    n32: IDL.Nat32,
    n64: IDL.Nat64,
    i: IDL.Int,
    i8: IDL.Int8,
    i16: IDL.Int16,
    i32: IDL.Int32,
    i64: IDL.Int64,
    f32: IDL.Float32,
    f64: IDL.Float64,
    yes: IDL.Bool,
  });
  const Odd = IDL.Record({
    'a b': IDL.Bool,
    "it's": IDL.Text,
    _5_: IDL.Nat,
    _6_: IDL.Null,
    anything: IDL.Reserved,
  });
  const Pair = IDL.Tuple(IDL.Text, IDL.Nat);
  const Result = IDL.Variant({ Ok: Pair, Err: IDL.Text, Retry: IDL.Null });
  const Callback = IDL.Func([IDL.Text], [IDL.Nat], ['query']);
  const roundtrip = [
    List,
    Tree,
    A,
    Numbers,
    Odd,
    Pair,
    IDL.Vec(IDL.Nat8),
    IDL.Vec(IDL.Nat8),
    Result,
    IDL.Nat,
    Chain,
  ];
  return { Callback, roundtrip };
}

/** Values of the `roundtrip` method's argument types, as @dfinity/candid decodes them. */
const ROUNDTRIP_VALUES = [
  [{ head: -1n, tail: [{ head: 2n ** 80n, tail: [] }] }],
  { node: [{ leaf: 1n }, { node: [{ leaf: 2n }, { leaf: 3n }] }] },
  { b: [{ a: [{ b: [], label: 'inner' }] }], label: 'outer' },
  {
    n: 2n ** 70n,
    n8: 255,
    n16: 65_535,
    n32: 4_294_967_295,
    n64: 2n ** 64n - 1n,
    i: -(2n ** 70n),
    i8: -128,
    i16: -32_768,
    i32: -2_147_483_648,
    i64: -(2n ** 63n),
    f32: 1.5,
    f64: Math.PI,
    yes: true,
  },
  { 'a b': true, "it's": 'quoted', _5_: 5n, _6_: null, anything: null },
  ['pair', 7n],
  new Uint8Array([1, 2, 3]),
  new Uint8Array([]),
  { Ok: ['ok', 1n] },
  42n,
  [[[]], []],
];

interface LoadedBindings {
  readonly idlFactory: IDL.InterfaceFactory;
  readonly init: (args: { IDL: typeof IDL }) => IDL.Type[];
}

/** A scratch folder inside the repository's node_modules, so @dfinity/* and tsc resolve. */
const SCRATCH = join(
  ROOT,
  'node_modules',
  '.cache',
  'citadel-fixtures',
  `bindings-${process.pid}-${Date.now()}`,
);

let loaded = 0;
/** Evaluates generated `.did.js` text as a module. */
async function load(js: string): Promise<LoadedBindings> {
  loaded += 1;
  const file = join(SCRATCH, 'eval', `bindings-${loaded}.mjs`);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, js);
  return (await import(pathToFileURL(file).href)) as LoadedBindings;
}

async function serviceOf(
  candid: string,
): Promise<{ service: IDL.ServiceClass; bindings: LoadedBindings }> {
  const bindings = await load(generateBindings(parseCandid(candid), { canisterName: 'x' }).js);
  const service = bindings.idlFactory({ IDL }) as IDL.ServiceClass;
  expect(service).toBeInstanceOf(IDL.ServiceClass);
  return { service, bindings };
}

function methods(service: IDL.ServiceClass): Map<string, IDL.FuncClass> {
  return new Map(service._fields);
}

/**
 * The method signatures of an Azle-generated `.did`, in `FuncClass.display()` notation:
 * `→` for `->`, no `func` keyword, a space after the results.
 */
function declaredSignatures(candid: string): Map<string, string> {
  const signatures = new Map<string, string>();
  for (const match of candid.matchAll(/^ {4}(\w+): (.*);$/gm)) {
    signatures.set(match[1] as string, normalise(match[2] as string));
  }
  return signatures;
}

function normalise(signature: string): string {
  return signature
    .replaceAll('func (', '(')
    .replaceAll(' -> ', ' → ')
    .replace(/\s+([;}])/g, '$1')
    .trim();
}

beforeAll(async () => {
  await mkdir(SCRATCH, { recursive: true });
});
afterAll(async () => {
  await rm(SCRATCH, { recursive: true, force: true });
});

describe('generateBindings: the JavaScript', () => {
  it('reproduces every method of the Azle-built canisters exactly (FuncClass.display)', async () => {
    for (const file of REAL_DID_FILES) {
      const candid = readFileSync(file, 'utf8');
      const { service } = await serviceOf(candid);
      const declared = declaredSignatures(candid);
      expect(declared.size, file).toBeGreaterThan(10);
      const generated = new Map(
        [...methods(service)].map(([name, func]) => [name, normalise(func.display())]),
      );
      expect(generated, file).toEqual(declared);
    }
  });

  it('builds the same types as a hand-written IDL of the probe canister', async () => {
    const { service, bindings } = await serviceOf(didOf('probe'));
    const Token = IDL.Record({
      key: IDL.Text,
      sha256: IDL.Opt(IDL.Vec(IDL.Nat8)),
      index: IDL.Nat,
      content_encoding: IDL.Text,
    });
    const Header = IDL.Tuple(IDL.Text, IDL.Text);
    const expected = IDL.Service({
      put: IDL.Func([IDL.Text, IDL.Text], [], []),
      lookup: IDL.Func([IDL.Text], [IDL.Opt(IDL.Text)], ['query']),
      certificate: IDL.Func([], [IDL.Opt(IDL.Vec(IDL.Nat8))], ['query']),
      work: IDL.Func([IDL.Nat32], [IDL.Nat64], []),
      whoami: IDL.Func([], [IDL.Principal], ['query']),
      http_request: IDL.Func(
        [
          IDL.Record({
            method: IDL.Text,
            url: IDL.Text,
            headers: IDL.Vec(Header),
            body: IDL.Vec(IDL.Nat8),
            certificate_version: IDL.Opt(IDL.Nat16),
          }),
        ],
        [
          IDL.Record({
            status_code: IDL.Nat16,
            headers: IDL.Vec(Header),
            body: IDL.Vec(IDL.Nat8),
            streaming_strategy: IDL.Opt(
              IDL.Variant({
                Callback: IDL.Record({ callback: IDL.Func([Token], [], ['query']), token: Token }),
              }),
            ),
            upgrade: IDL.Opt(IDL.Bool),
          }),
        ],
        ['query'],
      ),
    });
    const generated = methods(service);
    for (const [name, func] of expected._fields as [string, IDL.FuncClass][]) {
      expect(generated.get(name)?.display(), name).toBe(func.display());
    }
    expect(bindings.init({ IDL }).map((type) => type.display())).toEqual(['opt text']);

    // A response with a streaming callback survives a round trip through both types.
    const response = {
      status_code: 206,
      headers: [['content-type', 'text/plain']],
      body: new Uint8Array([104, 105]),
      streaming_strategy: [
        {
          Callback: {
            callback: [Principal.fromText('aaaaa-aa'), 'http_request_streaming_callback'],
            token: { key: '/a', sha256: [], index: 1n, content_encoding: 'gzip' },
          },
        },
      ],
      upgrade: [false],
    };
    const [handType] = (
      expected._fields.find(([name]) => name === 'http_request') as [string, IDL.FuncClass]
    )[1].retTypes;
    const [generatedType] = (generated.get('http_request') as IDL.FuncClass).retTypes;
    const bytes = IDL.encode([generatedType as IDL.Type], [response]);
    expect(bytes).toEqual(IDL.encode([handType as IDL.Type], [response]));
    expect(IDL.decode([handType as IDL.Type], bytes)).toEqual([response]);
  });

  it('builds the same types as a hand-written IDL of the asset canister', async () => {
    const { service, bindings } = await serviceOf(didOf('assets'));
    const Permission = IDL.Variant({
      Commit: IDL.Null,
      ManagePermissions: IDL.Null,
      Prepare: IDL.Null,
    });
    const Headers = IDL.Vec(IDL.Tuple(IDL.Text, IDL.Text));
    const CreateAsset = IDL.Record({
      key: IDL.Text,
      content_type: IDL.Text,
      headers: IDL.Opt(Headers),
      max_age: IDL.Opt(IDL.Nat64),
      enable_aliasing: IDL.Opt(IDL.Bool),
      allow_raw_access: IDL.Opt(IDL.Bool),
    });
    const SetAssetContent = IDL.Record({
      key: IDL.Text,
      content_encoding: IDL.Text,
      chunk_ids: IDL.Vec(IDL.Nat),
      sha256: IDL.Opt(IDL.Vec(IDL.Nat8)),
      last_chunk: IDL.Opt(IDL.Vec(IDL.Nat8)),
      chunk_sha256s: IDL.Opt(IDL.Vec(IDL.Vec(IDL.Nat8))),
    });
    const Operation = IDL.Variant({
      CreateAsset,
      SetAssetContent,
      UnsetAssetContent: IDL.Record({ key: IDL.Text, content_encoding: IDL.Text }),
      DeleteAsset: IDL.Record({ key: IDL.Text }),
      Clear: IDL.Record({}),
      SetAssetProperties: IDL.Record({
        key: IDL.Text,
        max_age: IDL.Opt(IDL.Opt(IDL.Nat64)),
        headers: IDL.Opt(IDL.Opt(Headers)),
        allow_raw_access: IDL.Opt(IDL.Opt(IDL.Bool)),
        is_aliased: IDL.Opt(IDL.Opt(IDL.Bool)),
      }),
    });
    const expected = IDL.Service({
      commit_batch: IDL.Func(
        [IDL.Record({ batch_id: IDL.Nat, operations: IDL.Vec(Operation) })],
        [],
        [],
      ),
      grant_permission: IDL.Func(
        [IDL.Record({ to_principal: IDL.Principal, permission: Permission })],
        [],
        [],
      ),
      validate_commit_proposed_batch: IDL.Func(
        [IDL.Record({ batch_id: IDL.Nat, evidence: IDL.Vec(IDL.Nat8) })],
        [IDL.Variant({ Ok: IDL.Text, Err: IDL.Text })],
        [],
      ),
      create_batch: IDL.Func([IDL.Record({})], [IDL.Record({ batch_id: IDL.Nat })], []),
      list_authorized: IDL.Func([], [IDL.Vec(IDL.Principal)], []),
    });
    const generated = methods(service);
    for (const [name, func] of expected._fields as [string, IDL.FuncClass][]) {
      expect(generated.get(name)?.display(), name).toBe(func.display());
    }
    expect(bindings.init({ IDL })).toEqual([]);

    const batch = {
      batch_id: 3n,
      operations: [
        {
          CreateAsset: {
            key: '/index.html',
            content_type: 'text/html',
            headers: [[['cache-control', 'no-cache']]],
            max_age: [],
            enable_aliasing: [true],
            allow_raw_access: [],
          },
        },
        {
          SetAssetProperties: {
            key: '/index.html',
            max_age: [[]],
            headers: [],
            allow_raw_access: [[false]],
            is_aliased: [],
          },
        },
        { Clear: {} },
      ],
    };
    const generatedArgs = (generated.get('commit_batch') as IDL.FuncClass).argTypes;
    const handArgs = (expected._fields[0] as [string, IDL.FuncClass])[1].argTypes;
    const bytes = IDL.encode(generatedArgs, [batch]);
    expect(bytes).toEqual(IDL.encode(handArgs, [batch]));
    expect(IDL.decode(handArgs, bytes)).toEqual([batch]);
  });

  it('round-trips records, variants, opts, vecs and recursive types, byte for byte like hand-written IDL', async () => {
    const { service } = await serviceOf(ALL_CONSTRUCTS);
    const roundtrip = methods(service).get('roundtrip') as IDL.FuncClass;
    expect(roundtrip.annotations).toEqual(['query']);
    const hand = handBuilt();
    const bytes = IDL.encode(roundtrip.argTypes, ROUNDTRIP_VALUES);
    expect(bytes).toEqual(IDL.encode(hand.roundtrip, ROUNDTRIP_VALUES));
    expect(IDL.decode(hand.roundtrip, bytes)).toEqual(ROUNDTRIP_VALUES);
    expect(IDL.decode(roundtrip.retTypes, IDL.encode(hand.roundtrip, ROUNDTRIP_VALUES))).toEqual(
      ROUNDTRIP_VALUES,
    );
  });

  it('writes func and service references, annotations, quoted methods and init arguments', async () => {
    const { service, bindings } = await serviceOf(ALL_CONSTRUCTS);
    const all = methods(service);
    // IDL.Service orders methods by name.
    expect([...all.keys()]).toEqual([
      'nothing',
      'notify',
      'quoted method',
      'refs',
      'roundtrip',
      'typed',
    ]);
    expect(all.get('notify')?.display()).toBe('(text) → () oneway');
    expect(all.get('quoted method')?.display()).toBe('() → () ');
    expect(all.get('nothing')?.display()).toBe('(variant {}) → (empty, reserved, null) ');
    expect(all.get('typed')?.display()).toBe(handBuilt().Callback.display());

    const refs = all.get('refs') as IDL.FuncClass;
    expect(refs.annotations).toEqual(['composite_query']);
    const backend = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');
    const values = [[backend, 'callback'], backend, Principal.fromText('aaaaa-aa')];
    expect(IDL.decode(refs.argTypes, IDL.encode(refs.argTypes, values))).toEqual(values);
    const results = [[[backend, 'other']], []];
    expect(IDL.decode(refs.retTypes, IDL.encode(refs.retTypes, results))).toEqual(results);

    const init = bindings.init({ IDL });
    expect(init.map((type) => type.display())).toEqual(['opt record {owner:principal}', 'nat']);
    const args = [[{ owner: backend }], 5n];
    expect(IDL.decode(init, IDL.encode(init, args))).toEqual(args);
  });

  it('declares recursive types with IDL.Rec and renames names JavaScript reserves', () => {
    const { js } = generateBindings(parseCandid(ALL_CONSTRUCTS), { canisterName: 'all' });
    for (const name of ['List', 'Tree', 'A', 'Links', 'Counter']) {
      expect(js).toContain(`const ${name} = IDL.Rec();`);
      expect(js).toContain(`${name}.fill(`);
    }
    // Aliases are followed, not written.
    expect(js).not.toContain('const Chain');
    expect(js).toContain('const function_ = IDL.Nat;');
    expect(js).not.toMatch(/const Count = IDL.Rec/);
    // Each definition comes after the definitions it uses.
    expect(js.indexOf('const Count = IDL.Nat;')).toBeLessThan(
      js.indexOf('const Pair = IDL.Tuple(IDL.Text, Count);'),
    );
  });

  it('generates a service with no methods and no init arguments for a file without a service', async () => {
    const { service, bindings } = await serviceOf('type A = nat;');
    expect(service._fields).toEqual([]);
    expect(bindings.init({ IDL })).toEqual([]);
    const { dts } = generateBindings(parseCandid('type A = nat;'), { canisterName: 'x' });
    expect(dts).toContain('export type A = bigint;');
    expect(dts).toContain('export interface _SERVICE {}');
  });

  it('resolves `service : Name` to the named service', async () => {
    const { service } = await serviceOf(
      'type S = service { get : () -> (nat) query }; service : (nat) -> S',
    );
    expect(service._fields.map(([name, func]) => [name, func.display()])).toEqual([
      ['get', '() → (nat) query'],
    ]);
  });
});

describe('generateBindings: the TypeScript declarations', () => {
  it('map Candid types the way dfx does', () => {
    const { dts } = generateBindings(parseCandid(ALL_CONSTRUCTS), { canisterName: 'all' });
    expect(dts).toContain("import type { Principal } from '@dfinity/principal';");
    expect(dts).toContain("import type { ActorMethod } from '@dfinity/agent';");
    expect(dts).toContain("import type { IDL } from '@dfinity/candid';");
    expect(dts).toContain('export declare const idlFactory: IDL.InterfaceFactory;');
    expect(dts).toContain('export declare const init: (args: { IDL: typeof IDL }) => IDL.Type[];');
    expect(dts).toContain("export type List = [] | [{\n  'head' : bigint,\n  'tail' : List,\n}];");
    expect(dts).toContain("export type Tree = { 'leaf' : bigint } |\n  { 'node' : [Tree, Tree] };");
    expect(dts).toContain('export interface A {');
    expect(dts).toContain("'n8' : number,");
    expect(dts).toContain("'n64' : bigint,");
    expect(dts).toContain("'f32' : number,");
    expect(dts).toContain("'anything' : any,");
    expect(dts).toContain("'_5_' : bigint,");
    expect(dts).toContain("'it\\'s' : string,");
    expect(dts).toContain('export type Pair = [string, Count];');
    expect(dts).toContain('export type Bytes = Uint8Array | number[];');
    expect(dts).toContain('export type Callback = [Principal, string];');
    expect(dts).toContain('export type Counter = Principal;');
    expect(dts).toContain('export type Never = never;');
    expect(dts).toContain('export type function_ = bigint;');
    expect(dts).toContain("'notify' : ActorMethod<[string], undefined>,");
    expect(dts).toContain(
      "'refs' : ActorMethod<[Callback, Counter, Principal], [[] | [Callback], [] | [Counter]]>,",
    );
    expect(dts).toContain("'typed' : ActorMethod<[string], bigint>,");
  });

  it('type-check, and type what the canisters return, under tsc --strict', async () => {
    const dir = join(SCRATCH, 'tsc');
    for (const [name, candid] of [
      ['probe', didOf('probe')],
      ['assets', didOf('assets')],
      ['all', ALL_CONSTRUCTS],
    ] as const) {
      await writeBindings(dir, name, candid);
    }
    await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: 'ES2022',
          lib: ['ES2023', 'DOM'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          noEmit: true,
          skipLibCheck: false,
          types: [],
        },
        files: ['use.ts', 'probe/probe.did.d.ts', 'assets/assets.did.d.ts', 'all/all.did.d.ts'],
      }),
    );
    await writeFile(join(dir, 'use.ts'), USE_BINDINGS);
    const tsc = join(
      dirname(createRequire(import.meta.url).resolve('typescript/package.json')),
      'bin',
      'tsc',
    );
    const result = spawnSync(
      process.execPath,
      [tsc, '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'],
      {
        encoding: 'utf8',
      },
    );
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 60_000);
});

/** Uses the generated declarations the way a frontend would, with checks of the exact types. */
const USE_BINDINGS = `
import type { Agent } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import type { _SERVICE as Probe } from './probe/probe.did.js';
import { createActor as createProbe, idlFactory as probeFactory } from './probe/index.js';
import type { _SERVICE as Assets } from './assets/assets.did.js';
import { createActor as createAssets } from './assets/index.js';
import type { A, Chain, List, Numbers, Odd, Pair, Result as Outcome, Tree, _SERVICE as All } from './all/all.did.js';

type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;
/** What a method's promise resolves to (ReturnType gives any for a never parameter). */
type Result<M> = M extends (...args: never[]) => Promise<infer R> ? R : 'not a method';
function assertType<T extends true>(): T | undefined {
  return undefined;
}

declare const agent: Agent;
const probe = createProbe('aaaaa-aa', { agent });
const assets = createAssets(Principal.fromText('aaaaa-aa'), { agent, actorOptions: {} });
export const factory = probeFactory;

export async function useProbe(): Promise<void> {
  const looked: [] | [string] = await probe.lookup('key');
  const size: bigint = await probe.stable_size();
  const bytes: Uint8Array | number[] = await probe.bytes(4);
  const nothing: undefined = await probe.put('a', 'b');
  // @ts-expect-error nat32 is a number, not a bigint
  await probe.work(1n);
  const response = await probe.http_request({
    url: '/',
    method: 'GET',
    body: new Uint8Array(),
    headers: [['accept', '*/*']],
    certificate_version: [2],
  });
  const status: number = response.status_code;
  const strategy = response.streaming_strategy[0];
  if (strategy !== undefined) {
    const [canister, method]: [Principal, string] = strategy.Callback.callback;
    void canister;
    void method;
  }
  assertType<Equal<Parameters<Probe['call_get']>, [Principal]>>();
  assertType<Equal<Result<Probe['certificate']>, [] | [Uint8Array | number[]]>>();
  void [looked, size, bytes, nothing, status];
}

export async function useAssets(): Promise<void> {
  await assets.commit_batch({
    batch_id: 1n,
    operations: [
      { Clear: {} },
      { DeleteAsset: { key: '/a' } },
      {
        SetAssetProperties: {
          key: '/a',
          max_age: [[]],
          headers: [],
          allow_raw_access: [[true]],
          is_aliased: [],
        },
      },
    ],
  });
  const verdict = await assets.validate_commit_proposed_batch({ batch_id: 1n, evidence: [1, 2] });
  const message: string = 'Ok' in verdict ? verdict.Ok : verdict.Err;
  const permitted: Principal[] = await assets.list_permitted({ permission: { Commit: null } });
  // @ts-expect-error not a permission
  await assets.list_permitted({ permission: { Own: null } });
  assertType<Equal<Result<Assets['api_version']>, number>>();
  void [message, permitted];
}

export const list: List = [{ head: 1n, tail: [{ head: -2n, tail: [] }] }];
export const tree: Tree = { node: [{ leaf: 1n }, { node: [{ leaf: 2n }, { leaf: 3n }] }] };
export const a: A = { b: [{ a: [{ b: [], label: 'inner' }] }], label: 'outer' };
export const chain: Chain = [[[]], []];
export const numbers: Numbers = {
  n: 1n, n8: 1, n16: 1, n32: 1, n64: 1n, i: -1n, i8: -1, i16: -1, i32: -1, i64: -1n,
  f32: 1.5, f64: 2.5, yes: false,
};
export const odd: Odd = { 'a b': true, "it's": 'x', _5_: 5n, _6_: null, anything: { any: 'thing' } };
export const pair: Pair = ['x', 1n];
export const results: Outcome[] = [{ Ok: ['x', 1n] }, { Err: 'no' }, { Retry: null }];
// @ts-expect-error an unknown tag
export const wrong: Outcome = { Maybe: null };
assertType<Equal<Parameters<All['refs']>, [[Principal, string], Principal, Principal]>>();
assertType<Equal<Result<All['refs']>, [[] | [[Principal, string]], [] | [Principal]]>>();
assertType<Equal<Parameters<All['nothing']>, [never]>>();
assertType<Equal<Result<All['nothing']>, [never, any, null]>>();
assertType<Equal<Parameters<All['typed']>, [string]>>();
assertType<Equal<Result<All['typed']>, bigint>>();
`;

describe('generateActorModule', () => {
  it('exports createActor(canisterId, { agent }) over Actor.createActor(idlFactory, …)', () => {
    const { js, dts } = generateActorModule({ canisterName: 'backend' });
    expect(js).toContain("import { Actor } from '@dfinity/agent';");
    expect(js).toContain("import { idlFactory } from './backend.did.js';");
    expect(js).toContain('Actor.createActor(idlFactory, {');
    expect(dts).toContain("export * from './backend.did.js';");
    expect(dts).toContain('export declare const createActor: (');
  });

  it('creates an actor with one function per method, and requires an agent', async () => {
    const dir = join(SCRATCH, 'actor');
    await writeBindings(dir, 'probe', didOf('probe'));
    const module = (await import(pathToFileURL(join(dir, 'probe', 'index.js')).href)) as {
      createActor: (id: string, options?: { agent?: unknown }) => Record<string, unknown>;
      idlFactory: IDL.InterfaceFactory;
      init: unknown;
    };
    const { HttpAgent } = await import('@dfinity/agent');
    const agent = HttpAgent.createSync({ host: 'http://127.0.0.1:1' });
    const actor = module.createActor('aaaaa-aa', { agent });
    expect(typeof actor.lookup).toBe('function');
    expect(typeof actor.http_request).toBe('function');
    expect(typeof module.init).toBe('function');
    expect(() => module.createActor('aaaaa-aa')).toThrow(/an agent is required/);
  });
});

describe('writeBindings', () => {
  it('writes the .did, .did.js, .did.d.ts, index.js and index.d.ts of a canister', async () => {
    const dir = join(SCRATCH, 'write');
    const written = await writeBindings(dir, 'backend', 'service : { f : () -> () }');
    expect(written.dir).toBe(join(dir, 'backend'));
    expect((await readdir(written.dir)).sort()).toEqual([
      'backend.did',
      'backend.did.d.ts',
      'backend.did.js',
      'index.d.ts',
      'index.js',
    ]);
    expect(await readFile(join(written.dir, 'backend.did'), 'utf8')).toBe(
      'service : { f : () -> () }\n',
    );
  });

  it('writes nothing for an invalid interface, and names the file in the error', async () => {
    const dir = join(SCRATCH, 'invalid');
    const error = await writeBindings(dir, 'backend', 'service : { f : (Nope) -> () }').catch(
      (caught: unknown) => caught,
    );
    expect(isCitadelError(error, 'CLI_CANDID_TYPE_INVALID')).toBe(true);
    expect((error as Error).message).toBe('backend.did:1:18: unknown type `Nope`');
    await expect(readdir(dir)).rejects.toThrow(/ENOENT/);
  });

  it('refuses a canister name that is not a plain file name', async () => {
    const error = await writeBindings(SCRATCH, '../escape', 'service : {}').catch(
      (caught: unknown) => caught,
    );
    expect(isCitadelError(error, 'CLI_PROJECT_CONFIG_INVALID')).toBe(true);
  });
});
