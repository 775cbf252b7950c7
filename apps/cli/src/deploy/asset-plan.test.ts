import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AssetDetails, AssetEncodingDetails } from '@citadel/assets-canister/client';
import type { ContentEncoding } from '@citadel/assets-canister/config';
import { type AssetPlan, type PlannedOperation, planAssetSync } from './asset-plan.js';
import type { LocalAsset, LocalEncoding } from './local-assets.js';

const sha = (text: string): Uint8Array =>
  new Uint8Array(createHash('sha256').update(text).digest());

function encoding(name: ContentEncoding, content: string): LocalEncoding {
  return {
    name,
    sha256: sha(content),
    length: content.length,
    read: async () => new TextEncoder().encode(content),
  };
}

function local(
  key: string,
  encodings: Partial<Record<ContentEncoding, string>>,
  overrides: Partial<LocalAsset> = {},
): LocalAsset {
  return {
    key,
    file: `/site${key}`,
    contentType: 'text/html',
    maxAge: undefined,
    headers: undefined,
    enableAliasing: undefined,
    allowRawAccess: true,
    encodings: Object.entries(encodings).map(([name, content]) =>
      encoding(name as ContentEncoding, content as string),
    ),
    ...overrides,
  };
}

function remote(
  key: string,
  encodings: Partial<Record<string, string | null>>,
  overrides: Partial<AssetDetails> = {},
): AssetDetails {
  return {
    key,
    content_type: 'text/html',
    encodings: Object.entries(encodings).map(([name, content]): AssetEncodingDetails => ({
      content_encoding: name,
      sha256: content === null || content === undefined ? [] : [sha(content)],
      length: BigInt(content?.length ?? 0),
      modified: 0n,
    })),
    max_age: [],
    headers: [],
    allow_raw_access: [],
    is_aliased: [],
    ...overrides,
  };
}

/** Operations in a readable form: `kind key [encoding]`. */
function describePlan(plan: AssetPlan): string[] {
  return plan.operations.map((operation: PlannedOperation) => {
    switch (operation.kind) {
      case 'delete':
        return `delete ${operation.key}`;
      case 'create':
        return `create ${operation.asset.key}`;
      case 'set-content': {
        const upload = plan.uploads[operation.upload];
        return `set-content ${upload?.key} ${upload?.encoding.name}`;
      }
      case 'unset-content':
        return `unset-content ${operation.key} ${operation.encoding}`;
      case 'set-properties':
        return `set-properties ${operation.properties.key}`;
    }
  });
}

function propertiesOf(plan: AssetPlan) {
  return plan.operations.flatMap((operation) =>
    operation.kind === 'set-properties' ? [operation.properties] : [],
  );
}

describe('planAssetSync', () => {
  it('plans nothing when both sides are empty', () => {
    expect(planAssetSync([], [])).toEqual({
      operations: [],
      uploads: [],
      created: [],
      updated: [],
      unchanged: [],
      removed: [],
      uploadBytes: 0,
    });
  });

  it('creates a new key and sets the content of each of its encodings', () => {
    const asset = local('/index.html', { identity: 'hello world', gzip: 'gz', br: 'b' });
    const plan = planAssetSync([asset], []);
    expect(describePlan(plan)).toEqual([
      'create /index.html',
      'set-content /index.html identity',
      'set-content /index.html gzip',
      'set-content /index.html br',
    ]);
    expect(plan.uploads.map((upload) => upload.encoding)).toEqual(asset.encodings);
    expect(plan.created).toEqual(['/index.html']);
    expect(plan.updated).toEqual([]);
    const [create] = plan.operations;
    expect(create).toEqual({ kind: 'create', asset });
  });

  it('leaves a key whose encodings have the same SHA-256 unchanged, uploading nothing', () => {
    const plan = planAssetSync(
      [local('/index.html', { identity: 'same', gzip: 'same-gz' })],
      [remote('/index.html', { identity: 'same', gzip: 'same-gz' })],
    );
    expect(plan.operations).toEqual([]);
    expect(plan.uploads).toEqual([]);
    expect(plan.unchanged).toEqual(['/index.html']);
    expect(plan.uploadBytes).toBe(0);
  });

  it('uploads only the encoding whose SHA-256 changed', () => {
    const plan = planAssetSync(
      [local('/app.js', { identity: 'same', gzip: 'new-gz', br: 'same-br' })],
      [remote('/app.js', { identity: 'same', gzip: 'old-gz', br: 'same-br' })],
    );
    expect(describePlan(plan)).toEqual(['set-content /app.js gzip']);
    expect(plan.updated).toEqual(['/app.js']);
    expect(plan.uploadBytes).toBe('new-gz'.length);
  });

  it('uploads an encoding the canister has without a hash or does not have yet', () => {
    const plan = planAssetSync(
      [local('/app.js', { identity: 'same', gzip: 'gz', br: 'br' })],
      [remote('/app.js', { identity: 'same', gzip: null })],
    );
    expect(describePlan(plan)).toEqual(['set-content /app.js gzip', 'set-content /app.js br']);
  });

  it('unsets an encoding the local file no longer has', () => {
    const plan = planAssetSync(
      [local('/tiny.txt', { identity: 'a' })],
      [remote('/tiny.txt', { identity: 'a', gzip: 'gz', br: 'br' })],
    );
    expect(describePlan(plan)).toEqual([
      'unset-content /tiny.txt gzip',
      'unset-content /tiny.txt br',
    ]);
    expect(plan.updated).toEqual(['/tiny.txt']);
    expect(plan.uploads).toEqual([]);
  });

  it('deletes a key only the canister has', () => {
    const plan = planAssetSync(
      [local('/index.html', { identity: 'x' })],
      [remote('/index.html', { identity: 'x' }), remote('/old.html', { identity: 'gone' })],
    );
    expect(describePlan(plan)).toEqual(['delete /old.html']);
    expect(plan.removed).toEqual(['/old.html']);
    expect(plan.unchanged).toEqual(['/index.html']);
  });

  it('deletes and creates again a key whose content type changed, uploading every encoding', () => {
    const asset = local('/data', { identity: 'same bytes' }, { contentType: 'application/json' });
    const plan = planAssetSync([asset], [remote('/data', { identity: 'same bytes' })]);
    expect(describePlan(plan)).toEqual([
      'delete /data',
      'create /data',
      'set-content /data identity',
    ]);
    expect(plan.updated).toEqual(['/data']);
    expect(plan.created).toEqual([]);
    expect(plan.removed).toEqual([]);
  });

  it('sets only the changed properties of a key whose content is the same', () => {
    const plan = planAssetSync(
      [local('/a.js', { identity: 'a' }, { maxAge: 600n })],
      [remote('/a.js', { identity: 'a' }, { max_age: [60n] })],
    );
    expect(describePlan(plan)).toEqual(['set-properties /a.js']);
    expect(propertiesOf(plan)).toEqual([
      { key: '/a.js', max_age: [[600n]], headers: [], allow_raw_access: [], is_aliased: [] },
    ]);
    expect(plan.uploads).toEqual([]);
    expect(plan.updated).toEqual(['/a.js']);
  });

  it('clears a max_age the local file no longer has', () => {
    const plan = planAssetSync(
      [local('/a.js', { identity: 'a' })],
      [remote('/a.js', { identity: 'a' }, { max_age: [60n] })],
    );
    expect(propertiesOf(plan)).toEqual([
      { key: '/a.js', max_age: [[]], headers: [], allow_raw_access: [], is_aliased: [] },
    ]);
  });

  it('compares headers regardless of the order the canister lists them in', () => {
    const headers: [string, string][] = [
      ['a-first', '1'],
      ['x-kind', 'script'],
    ];
    const plan = planAssetSync(
      [local('/a.js', { identity: 'a' }, { headers })],
      [
        remote(
          '/a.js',
          { identity: 'a' },
          {
            headers: [
              [
                ['x-kind', 'script'],
                ['a-first', '1'],
              ],
            ],
          },
        ),
      ],
    );
    expect(plan.operations).toEqual([]);
    expect(plan.unchanged).toEqual(['/a.js']);
  });

  it('sets headers that differ in a value, in number, or are gone', () => {
    const changed = planAssetSync(
      [local('/a.js', { identity: 'a' }, { headers: [['x-kind', 'module']] })],
      [remote('/a.js', { identity: 'a' }, { headers: [[['x-kind', 'script']]] })],
    );
    expect(propertiesOf(changed)).toEqual([
      {
        key: '/a.js',
        max_age: [],
        headers: [[[['x-kind', 'module']]]],
        allow_raw_access: [],
        is_aliased: [],
      },
    ]);
    const gone = planAssetSync(
      [local('/a.js', { identity: 'a' })],
      [remote('/a.js', { identity: 'a' }, { headers: [[['x-kind', 'script']]] })],
    );
    expect(propertiesOf(gone)).toEqual([
      { key: '/a.js', max_age: [], headers: [[]], allow_raw_access: [], is_aliased: [] },
    ]);
    // No headers locally and an empty list remotely are the same.
    const empty = planAssetSync(
      [local('/a.js', { identity: 'a' })],
      [remote('/a.js', { identity: 'a' }, { headers: [[]] })],
    );
    expect(empty.operations).toEqual([]);
  });

  it('counts a canister without allow_raw_access or is_aliased as true for both', () => {
    const same = planAssetSync(
      [local('/a.html', { identity: 'a' }, { allowRawAccess: true, enableAliasing: true })],
      [remote('/a.html', { identity: 'a' })],
    );
    expect(same.operations).toEqual([]);
    const unsetAliasing = planAssetSync(
      [local('/a.html', { identity: 'a' }, { enableAliasing: undefined })],
      [remote('/a.html', { identity: 'a' }, { is_aliased: [true] })],
    );
    expect(unsetAliasing.operations).toEqual([]);
  });

  it('sets allow_raw_access and is_aliased when they differ', () => {
    const plan = planAssetSync(
      [local('/a.html', { identity: 'a' }, { allowRawAccess: false, enableAliasing: false })],
      [remote('/a.html', { identity: 'a' })],
    );
    expect(propertiesOf(plan)).toEqual([
      {
        key: '/a.html',
        max_age: [],
        headers: [],
        allow_raw_access: [[false]],
        is_aliased: [[false]],
      },
    ]);
    const back = planAssetSync(
      [local('/a.html', { identity: 'a' })],
      [remote('/a.html', { identity: 'a' }, { allow_raw_access: [false], is_aliased: [false] })],
    );
    expect(propertiesOf(back)).toEqual([
      {
        key: '/a.html',
        max_age: [],
        headers: [],
        allow_raw_access: [[true]],
        // Back to the canister's default: `opt opt` with nothing inside.
        is_aliased: [[]],
      },
    ]);
  });

  it('orders operations: deletes, creates, contents, unsets, then properties', () => {
    const plan = planAssetSync(
      [
        local('/props.html', { identity: 'p' }, { maxAge: 1n }),
        local('/unset.txt', { identity: 'u' }),
        local('/changed.js', { identity: 'new' }),
        local('/retyped', { identity: 'r' }, { contentType: 'text/plain' }),
        local('/new.html', { identity: 'n', gzip: 'ng' }),
      ],
      [
        remote('/props.html', { identity: 'p' }),
        remote('/unset.txt', { identity: 'u', gzip: 'ug' }),
        remote('/changed.js', { identity: 'old' }),
        remote('/retyped', { identity: 'r' }, { content_type: 'application/octet-stream' }),
        remote('/gone.html', { identity: 'g' }),
      ],
    );
    expect(describePlan(plan)).toEqual([
      'delete /retyped',
      'delete /gone.html',
      'create /retyped',
      'create /new.html',
      'set-content /changed.js identity',
      'set-content /retyped identity',
      'set-content /new.html identity',
      'set-content /new.html gzip',
      'unset-content /unset.txt gzip',
      'set-properties /props.html',
    ]);
    expect(plan.created).toEqual(['/new.html']);
    expect(plan.updated).toEqual(['/props.html', '/unset.txt', '/changed.js', '/retyped']);
    expect(plan.removed).toEqual(['/gone.html']);
    expect(plan.unchanged).toEqual([]);
    // Each set-content names its own upload, in order.
    const indexes = plan.operations.flatMap((op) => (op.kind === 'set-content' ? [op.upload] : []));
    expect(indexes).toEqual([0, 1, 2, 3]);
  });

  it('sums the lengths of every encoding to upload', () => {
    const plan = planAssetSync(
      [
        local('/a.html', { identity: '12345', gzip: '123' }),
        local('/b.html', { identity: 'same', br: '1234567' }),
      ],
      [remote('/b.html', { identity: 'same', br: 'old' })],
    );
    expect(plan.uploadBytes).toBe(5 + 3 + 7);
    expect(plan.uploads.map((upload) => `${upload.key} ${upload.encoding.name}`)).toEqual([
      '/a.html identity',
      '/a.html gzip',
      '/b.html br',
    ]);
  });
});
