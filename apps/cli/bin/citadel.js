#!/usr/bin/env node
// The `citadel` command: runs the CLI compiled from apps/cli/src by `npm run build`.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('error[CLI_NOT_BUILT]: citadel is not built yet; run `npm run build` first.');
  process.exit(1);
}
await import(main.href);
