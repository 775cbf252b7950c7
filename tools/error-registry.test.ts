import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// One registry of stable error codes (docs/errors.md), checked against the code: every code
// thrown anywhere is documented, and every documented code is still in use or marked retired.
const root = fileURLToPath(new URL('..', import.meta.url));
const SOURCE_DIRS = ['infra', 'apps', 'canisters'];
const CODE = /'((?:PROTO|REPLICA|CLI|GATEWAY|ASSETS|II)_[A-Z0-9_]+)'/g;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) {
      continue;
    }
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      out.push(...sourceFiles(path));
    } else if (path.endsWith('.ts') && !path.endsWith('.test.ts')) {
      out.push(path);
    }
  }
  return out;
}

function codesInSource(): Map<string, string> {
  const codes = new Map<string, string>();
  for (const dir of SOURCE_DIRS) {
    // A layer that does not exist yet has no codes.
    const files = existsSync(join(root, dir)) ? sourceFiles(join(root, dir)) : [];
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(CODE)) {
        codes.set(match[1] as string, relative(root, file));
      }
    }
  }
  return codes;
}

const doc = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
const documented = new Set(
  [...doc.matchAll(/`((?:PROTO|REPLICA|CLI|GATEWAY|ASSETS|II)_[A-Z0-9_]+)`/g)].map(
    (m) => m[1] as string,
  ),
);
const retired = new Set(
  [...(doc.split('## Retired codes')[1] ?? '').matchAll(/`([A-Z0-9_]+)`/g)].map(
    (m) => m[1] as string,
  ),
);

describe('the error code registry', () => {
  const inSource = codesInSource();

  it('documents every code the source throws', () => {
    const missing = [...inSource]
      .filter(([code]) => !documented.has(code))
      .map(([code, file]) => `${code} (${file})`);
    expect(missing).toEqual([]);
  });

  it('lists no code that the source no longer has, unless it is retired', () => {
    const stale = [...documented].filter((code) => !inSource.has(code) && !retired.has(code));
    expect(stale).toEqual([]);
  });

  it('never brings a retired code back', () => {
    expect([...retired].filter((code) => inSource.has(code))).toEqual([]);
  });
});
