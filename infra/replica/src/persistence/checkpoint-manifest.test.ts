import { canisterIdFromIndex, isCitadelError } from '@citadel/protocol';
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../state/canister.js';
import type { CanisterEntry, CheckpointManifest } from './checkpoint-manifest.js';
import {
  INGRESS_FILE,
  blobFile,
  chunkFile,
  decodeManifest,
  encodeManifest,
  toHex,
} from './checkpoint-manifest.js';
import { DataDirErrorCode } from './errors.js';

const ID = canisterIdFromIndex(3n);
const ID_HEX = toHex(ID);
const SHA = 'ab'.repeat(32);

function makeEntry(overrides: Partial<CanisterEntry> = {}): CanisterEntry {
  return {
    id: ID,
    controllers: [Uint8Array.of(1, 2, 3)],
    status: 'stopping',
    cyclesBalance: 123_456_789_012_345_678_901n,
    version: 7n,
    certifiedData: Uint8Array.of(0xde, 0xad),
    globalTimerNs: 1_700_000_000_000_000_000n,
    createdAtNs: 1n,
    lastInstallNs: null,
    settings: {
      ...defaultSettings(),
      logVisibility: 'public',
      environmentVariables: [{ name: 'MODE', value: 'dev' }],
    },
    code: {
      module: { file: blobFile(ID_HEX, 'module'), sizeBytes: 10, sha256: SHA },
      globals: [
        { type: 'i32', value: -5 },
        { type: 'i64', value: -(2n ** 63n) },
        { type: 'f64', value: Number.NaN },
        { type: 'f64', value: -0 },
        { type: 'f32', value: Number.POSITIVE_INFINITY },
        { type: 'f64', value: 0.1 },
      ],
      heap: {
        file: blobFile(ID_HEX, 'heap'),
        sizeBytes: 65_536,
        sha256: SHA,
        memoryBytes: 3 * 65_536,
        pageRuns: [[2, 1]],
      },
      stable: {
        file: blobFile(ID_HEX, 'stable'),
        sizeBytes: 0,
        sha256: SHA,
        memoryBytes: 0,
        pageRuns: [],
      },
    },
    chunks: [{ hash: SHA, blob: { file: chunkFile(ID_HEX, SHA), sizeBytes: 4, sha256: SHA } }],
    ...overrides,
  };
}

function makeManifest(canisters: CanisterEntry[] = [makeEntry()]): CheckpointManifest {
  return {
    timeNs: 42n,
    height: 17n,
    ingress: { file: INGRESS_FILE, sizeBytes: 1, sha256: SHA },
    nextIndex: 9n,
    retired: [toHex(canisterIdFromIndex(1n))],
    canisters,
  };
}

/** The manifest JSON with `edit` applied, re-serialised. */
function edited(edit: (json: { canisters: Record<string, unknown>[] }) => void): string {
  const json = JSON.parse(encodeManifest(makeManifest())) as {
    canisters: Record<string, unknown>[];
  };
  edit(json);
  return JSON.stringify(json);
}

function decodeError(text: string): unknown {
  try {
    decodeManifest(text, '/data/checkpoints/0000000001/manifest.json');
  } catch (error) {
    return error;
  }
  throw new Error('expected decodeManifest to fail');
}

describe('checkpoint manifest', () => {
  it('decodeManifest reverses encodeManifest, big numbers and float globals included', () => {
    const manifest = makeManifest([makeEntry(), makeEntry({ code: null, chunks: [] })]);
    expect(decodeManifest(encodeManifest(manifest), 'manifest.json')).toStrictEqual(manifest);
  });

  it('decodeManifest reads a manifest of an older build, without height and ingress history, as height 0', () => {
    const json = JSON.parse(encodeManifest(makeManifest())) as Record<string, unknown>;
    delete json.height;
    delete json.ingress;
    const decoded = decodeManifest(JSON.stringify(json), 'manifest.json');
    expect(decoded.height).toBe(0n);
    expect(decoded.ingress).toBeNull();
  });

  it('encodeManifest writes bigints as decimal strings and ids as hex plus their text form', () => {
    const json = JSON.parse(encodeManifest(makeManifest())) as {
      format: string;
      version: number;
      canisters: { id: string; idText: string; cyclesBalance: string }[];
    };
    expect(json.format).toBe('citadel-checkpoint');
    expect(json.version).toBe(1);
    expect(json.canisters[0]).toMatchObject({
      id: ID_HEX,
      idText: 'r7inp-6aaaa-aaaaa-aaabq-cai',
      cyclesBalance: '123456789012345678901',
    });
  });

  it('decodeManifest refuses a blob path that does not match the canister id', () => {
    const text = edited((json) => {
      const code = json.canisters[0]?.code as { module: { file: string } };
      code.module.file = '../../keys.json';
    });
    const error = decodeError(text);
    expect(isCitadelError(error, DataDirErrorCode.CORRUPT_CHECKPOINT)).toBe(true);
    expect((error as Error).message).toContain('$.canisters[0].code.module.file');
  });

  it('decodeManifest refuses a chunk whose store key is not the SHA-256 of its file', () => {
    const text = edited((json) => {
      const chunks = json.canisters[0]?.chunks as { sha256: string }[];
      (chunks[0] as { sha256: string }).sha256 = 'cd'.repeat(32);
    });
    expect((decodeError(text) as Error).message).toContain('is not the SHA-256 of the chunk');
  });

  it('decodeManifest names the JSON path and the file of a malformed field', () => {
    const text = edited((json) => {
      (
        json.canisters[0] as { settings: { freezingThreshold: unknown } }
      ).settings.freezingThreshold = -1;
    });
    const error = decodeError(text);
    expect(isCitadelError(error, DataDirErrorCode.CORRUPT_CHECKPOINT)).toBe(true);
    expect((error as Error).message).toContain('$.canisters[0].settings.freezingThreshold');
    expect((error as { details: { path: string } }).details.path).toBe(
      '/data/checkpoints/0000000001/manifest.json',
    );
  });

  it('decodeManifest refuses a format version it does not know as unsupported', () => {
    const text = JSON.stringify({ ...JSON.parse(encodeManifest(makeManifest())), version: 2 });
    expect(isCitadelError(decodeError(text), DataDirErrorCode.UNSUPPORTED_CHECKPOINT)).toBe(true);
  });

  it('decodeManifest refuses text that is not JSON or not a checkpoint manifest', () => {
    expect(isCitadelError(decodeError('{"format'), DataDirErrorCode.CORRUPT_CHECKPOINT)).toBe(true);
    expect((decodeError('{"format":"other"}') as Error).message).toContain(
      'not a citadel-checkpoint manifest',
    );
  });
});
