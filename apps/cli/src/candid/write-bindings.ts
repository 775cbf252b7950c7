import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assertCanisterName } from '../backend/canister-name.js';
import { generateActorModule, generateBindings } from './generate-bindings.js';
import { parseCandid } from './parse-candid.js';

export interface WrittenBindings {
  /** `<outDir>/<name>`. */
  readonly dir: string;
  /** The files written, in that folder. */
  readonly files: readonly string[];
}

/**
 * Writes a canister's Candid interface and its bindings to `<outDir>/<name>/`, as `dfx generate`
 * lays out `declarations/<name>/`: `<name>.did`, `<name>.did.js`, `<name>.did.d.ts`, `index.js`
 * and `index.d.ts` (`createActor(canisterId, { agent })`). The text is parsed first, so an
 * invalid interface writes nothing.
 */
export async function writeBindings(
  outDir: string,
  name: string,
  candidText: string,
): Promise<WrittenBindings> {
  assertCanisterName(name);
  const program = parseCandid(candidText, { source: `${name}.did` });
  const bindings = generateBindings(program, { canisterName: name });
  const actor = generateActorModule({ canisterName: name });
  const dir = join(outDir, name);
  const contents: [string, string][] = [
    [`${name}.did`, candidText.endsWith('\n') ? candidText : `${candidText}\n`],
    [`${name}.did.js`, bindings.js],
    [`${name}.did.d.ts`, bindings.dts],
    ['index.js', actor.js],
    ['index.d.ts', actor.dts],
  ];
  await mkdir(dir, { recursive: true });
  for (const [file, text] of contents) {
    await writeFile(join(dir, file), text);
  }
  return { dir, files: contents.map(([file]) => join(dir, file)) };
}
