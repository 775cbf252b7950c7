import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateEd25519Key, identityFromPem, type IdentityKey } from '../identity/key-pem.js';
import { systemErrorCode } from '../errors.js';

/** The key that controls a network's system canisters, kept with the network's state. */
export const SYSTEM_IDENTITY_FILE = 'system-identity.pem';

/**
 * The network's system identity: read from `<dataDir>/system-identity.pem`, or created there
 * (mode 0600) on the network's first start. It lives and dies with the data directory, like
 * the canisters it controls, so `start --clean` gives both up together.
 */
export async function loadSystemIdentity(dataDir: string): Promise<IdentityKey> {
  const path = join(dataDir, SYSTEM_IDENTITY_FILE);
  const nextStep = `delete ${path} and start the network with --clean`;
  try {
    return identityFromPem(await readFile(path, 'utf8'), path, nextStep);
  } catch (error) {
    if (systemErrorCode(error) !== 'ENOENT') {
      throw error;
    }
  }
  const { pem, key } = generateEd25519Key();
  // `wx`: a key is never replaced, since whoever holds it controls the system canisters.
  await writeFile(path, pem, { mode: 0o600, flag: 'wx' });
  return key;
}
