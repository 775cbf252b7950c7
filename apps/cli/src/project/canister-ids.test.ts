import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliErrorCode } from '../errors.js';
import { makeTempDir } from '../testing/fakes.js';
import { loadCanisterIds } from './canister-ids.js';

const WEB = 'bkyz2-fmaaa-aaaaa-qaaaq-cai';
const BACKEND = 'bd3sg-teaaa-aaaaa-qaaba-cai';
const MAINNET = 'rwlgt-iiaaa-aaaaa-aaaaa-cai';

describe('loadCanisterIds', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let file: string;
  beforeEach(async () => {
    dir = await makeTempDir();
    file = join(dir.path, '.citadel', 'local', 'canister_ids.json');
  });
  afterEach(() => dir.remove());

  const write = async (content: string) => {
    await mkdir(join(dir.path, '.citadel', 'local'), { recursive: true });
    await writeFile(file, content);
  };
  const stored = async () => JSON.parse(await readFile(file, 'utf8')) as unknown;

  it('knows no canister when the file does not exist, and creates nothing by reading', async () => {
    const ids = await loadCanisterIds(file, 'local');
    expect(ids.get('web')).toBeUndefined();
    await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it("reads the ids of its network from dfx's format", async () => {
    await write(JSON.stringify({ web: { local: WEB, ic: MAINNET }, backend: { ic: BACKEND } }));
    const local = await loadCanisterIds(file, 'local');
    expect(local.get('web')).toBe(WEB);
    expect(local.get('backend')).toBeUndefined();
    const ic = await loadCanisterIds(file, 'ic');
    expect(ic.get('web')).toBe(MAINNET);
    expect(ic.get('backend')).toBe(BACKEND);
  });

  it('writes the file at once on set, sorted by name, indented, with a final newline', async () => {
    const ids = await loadCanisterIds(file, 'local');
    await ids.set('web', WEB);
    await ids.set('backend', BACKEND);
    expect(ids.get('web')).toBe(WEB);
    const text = await readFile(file, 'utf8');
    expect(text).toBe(
      `{\n  "backend": {\n    "local": "${BACKEND}"\n  },\n  "web": {\n    "local": "${WEB}"\n  }\n}\n`,
    );
    expect(Object.keys((await stored()) as object)).toEqual(['backend', 'web']);
    // No temporary file left behind.
    expect(await readdir(join(dir.path, '.citadel', 'local'))).toEqual(['canister_ids.json']);
    expect((await loadCanisterIds(file, 'local')).get('backend')).toBe(BACKEND);
  });

  it("keeps other networks' entries when setting and replacing an id", async () => {
    await write(JSON.stringify({ web: { ic: MAINNET }, other: { ic: BACKEND } }));
    const ids = await loadCanisterIds(file, 'local');
    await ids.set('web', WEB);
    expect(await stored()).toEqual({ other: { ic: BACKEND }, web: { ic: MAINNET, local: WEB } });
    await ids.set('web', BACKEND);
    expect(await stored()).toEqual({
      other: { ic: BACKEND },
      web: { ic: MAINNET, local: BACKEND },
    });
  });

  it("deletes only its network's id, and the name once no network has one", async () => {
    await write(JSON.stringify({ web: { local: WEB, ic: MAINNET }, backend: { local: BACKEND } }));
    const ids = await loadCanisterIds(file, 'local');
    await ids.delete('web');
    await ids.delete('backend');
    expect(ids.get('web')).toBeUndefined();
    expect(await stored()).toEqual({ web: { ic: MAINNET } });
    // Deleting an unknown name is harmless.
    await ids.delete('nothing');
    expect(await stored()).toEqual({ web: { ic: MAINNET } });
  });

  it('refuses a file that is not JSON with CLI_CANISTER_IDS_INVALID naming the file', async () => {
    await write('{ "web": ');
    await expect(loadCanisterIds(file, 'local')).rejects.toMatchObject({
      code: CliErrorCode.CANISTER_IDS_INVALID,
      details: { file },
      message: expect.stringContaining('Fix or delete the file'),
    });
  });

  it('refuses wrong shapes and bad canister ids with CLI_CANISTER_IDS_INVALID', async () => {
    for (const bad of [
      '[]',
      'null',
      '"web"',
      '42',
      JSON.stringify({ web: WEB }),
      JSON.stringify({ web: [WEB] }),
      JSON.stringify({ web: null }),
      JSON.stringify({ web: { local: 42 } }),
      JSON.stringify({ web: { local: null } }),
      JSON.stringify({ web: { local: 'not-a-canister-id' } }),
      JSON.stringify({ web: { local: WEB.toUpperCase() } }),
      JSON.stringify({ web: { local: '' } }),
    ]) {
      await write(bad);
      await expect(loadCanisterIds(file, 'local'), bad).rejects.toMatchObject({
        code: CliErrorCode.CANISTER_IDS_INVALID,
      });
    }
  });

  it('refuses a file it cannot read with CLI_CANISTER_IDS_INVALID', async () => {
    await mkdir(file, { recursive: true });
    await expect(loadCanisterIds(file, 'local')).rejects.toMatchObject({
      code: CliErrorCode.CANISTER_IDS_INVALID,
    });
  });
});
