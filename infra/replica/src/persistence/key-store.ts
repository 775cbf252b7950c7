import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CitadelError } from '@citadel/protocol';
import type { KeyMaterial } from '../certification/subnet-keys.js';
import {
  deserializeKeyMaterial,
  generateKeyMaterial,
  serializeKeyMaterial,
} from '../certification/subnet-keys.js';
import { DataDirErrorCode } from './errors.js';

export { DataDirErrorCode } from './errors.js';

const KEY_FILE = 'keys.json';

/**
 * Loads the network's key material from `dataDir`, creating it on first start. The root key
 * must never change while clients run (ic-protocol.md pitfall 21), so it lives on disk; the
 * file is written to a temporary name and renamed so a crash never leaves half a key.
 */
export async function loadOrCreateKeys(
  dataDir: string,
  options: { clean?: boolean } = {},
): Promise<KeyMaterial> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, KEY_FILE);
  if (options.clean) {
    await rm(path, { force: true });
  }
  let text: string | null = null;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw error;
    }
  }
  if (text !== null) {
    try {
      return deserializeKeyMaterial(JSON.parse(text));
    } catch (error) {
      throw new CitadelError(
        'input',
        DataDirErrorCode.UNREADABLE_KEYS,
        `The key file ${path} is damaged or from another version; restore it from a backup or start over with --clean.`,
        { path },
        { cause: error },
      );
    }
  }
  const material = generateKeyMaterial();
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(serializeKeyMaterial(material), null, 2), {
    mode: 0o600,
    flush: true,
  });
  await rename(tmp, path);
  return material;
}
