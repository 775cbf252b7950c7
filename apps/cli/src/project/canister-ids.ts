import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CliErrorCode, createCliError } from '../errors.js';
import { writeFileAtomic } from '../network/atomic-write.js';

/**
 * Which canister each of the project's names is on a network, in dfx's `canister_ids.json`
 * format (`{ "<name>": { "<network>": "<id>" } }`). Where each network's file lives is the
 * deploy target's business (`canisterIdsPath`).
 */

const CANISTER_ID = /^[a-z2-7]{5}(-[a-z2-7]{1,5})+$/;

export interface CanisterIds {
  get(name: string): string | undefined;
  /** Records `id` for `name` and writes the file at once (a deploy may stop at any point). */
  set(name: string, id: string): Promise<void>;
  /** Forgets `name` (its canister is gone). */
  delete(name: string): Promise<void>;
}

/** The ids recorded in `file` for `network` (the key inside the file, e.g. `local` or `ic`). */
export async function loadCanisterIds(file: string, network: string): Promise<CanisterIds> {
  const ids = new Map<string, Record<string, string>>();
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw invalid(file, `it cannot be read (${(error as Error).message})`);
    }
  }
  if (text !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw invalid(file, `it is not JSON (${(error as Error).message})`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw invalid(file, 'it must map canister names to { "<network>": "<canister-id>" }');
    }
    for (const [name, byNetwork] of Object.entries(json)) {
      if (typeof byNetwork !== 'object' || byNetwork === null || Array.isArray(byNetwork)) {
        throw invalid(file, `"${name}" must map network names to canister ids`);
      }
      const entries = Object.entries(byNetwork as Record<string, unknown>);
      for (const [networkName, id] of entries) {
        if (typeof id !== 'string' || !CANISTER_ID.test(id)) {
          throw invalid(
            file,
            `"${name}"."${networkName}" is not a canister id: ${JSON.stringify(id)}`,
          );
        }
      }
      ids.set(name, Object.fromEntries(entries) as Record<string, string>);
    }
  }
  const save = async (): Promise<void> => {
    await mkdir(dirname(file), { recursive: true });
    const sorted = Object.fromEntries([...ids].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    await writeFileAtomic(file, `${JSON.stringify(sorted, null, 2)}\n`);
  };
  return {
    get: (name) => ids.get(name)?.[network],
    async set(name, id) {
      ids.set(name, { ...ids.get(name), [network]: id });
      await save();
    },
    async delete(name) {
      const entry = { ...ids.get(name) };
      delete entry[network];
      if (Object.keys(entry).length === 0) {
        ids.delete(name);
      } else {
        ids.set(name, entry);
      }
      await save();
    },
  };
}

function invalid(file: string, reason: string): Error {
  return createCliError(
    CliErrorCode.CANISTER_IDS_INVALID,
    `${file}: ${reason}. Fix or delete the file.`,
    {
      file,
    },
  );
}
