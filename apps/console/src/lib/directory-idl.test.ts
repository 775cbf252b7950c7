import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IDL } from '@dfinity/candid';
import { describe, expect, it } from 'vitest';
import { directoryIdlFactory } from './directory-idl';

/** The interface Azle wrote when it built the directory canister (absent before a build). */
const DID_PATH = fileURLToPath(
  new URL('../../../../canisters/directory/dist/directory.did', import.meta.url),
);

/** `name: signature` of each method of a `.did` file's service, one a line as Azle writes them. */
function methodsOfDid(did: string): Map<string, string> {
  const methods = new Map<string, string>();
  for (const line of did.split('\n')) {
    const match = /^\s+([a-z_]+): (.*);$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) {
      methods.set(match[1], match[2]);
    }
  }
  return methods;
}

describe('directoryIdlFactory', () => {
  it.skipIf(!existsSync(DID_PATH))('matches the built directory canister’s Candid', () => {
    const did = methodsOfDid(readFileSync(DID_PATH, 'utf8'));
    const service = directoryIdlFactory({ IDL });
    expect(service._fields.length).toBeGreaterThan(0);
    for (const [name, func] of service._fields) {
      // `display()` writes Candid text as Azle does, with an arrow character of its own.
      expect(func.display().replace(' → ', ' -> '), name).toBe(did.get(name));
    }
  });
});
