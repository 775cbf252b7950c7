import { resolve } from 'node:path';
import type { CliContext } from '../cli-context.js';
import { resolveDataDir } from '../network/data-dir.js';
import type { SnapshotFlags } from '../parse-command-line.js';
import { restoreSnapshot, saveSnapshot } from '../snapshot/index.js';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `1536` → `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** `12 files, 3 directories, 1.5 MiB`. */
function contents(summary: { files: number; directories: number; bytes: number }): string {
  const { files, directories, bytes } = summary;
  return `${files} ${files === 1 ? 'file' : 'files'}, ${directories} ${directories === 1 ? 'directory' : 'directories'}, ${formatBytes(bytes)}`;
}

/** A path as the user can paste it back into a shell. */
function shellPath(path: string): string {
  return /[\s'"$`\\]/.test(path) ? JSON.stringify(path) : path;
}

/** `citadel network snapshot save <file>`: also while the network runs. */
export async function runSnapshotSaveCommand(
  flags: SnapshotFlags,
  context: CliContext,
): Promise<number> {
  const dataDir = resolveDataDir(flags.dataDir, context.cwd);
  const saved = await saveSnapshot({
    dataDir,
    file: resolve(context.cwd, flags.file),
    processes: context.processes,
    ...(context.sleep ? { sleep: context.sleep } : {}),
  });
  if (flags.json) {
    context.stdout(JSON.stringify(saved, null, 2));
    return 0;
  }
  context.stdout(
    `Saved a snapshot of ${dataDir}${saved.live ? ' (taken while the network was running)' : ''}`,
  );
  context.stdout(`  File:      ${saved.file}`);
  context.stdout(`  Contents:  ${contents(saved)}`);
  context.stdout(`  Size:      ${formatBytes(saved.archiveBytes)} (gzip)`);
  context.stdout(
    `Restore it with \`citadel network snapshot restore ${shellPath(saved.file)}${flags.dataDir === undefined ? '' : ` --data-dir ${shellPath(dataDir)}`}\`.`,
  );
  return 0;
}

/** `citadel network snapshot restore <file>`: refused while the network runs. */
export async function runSnapshotRestoreCommand(
  flags: SnapshotFlags,
  context: CliContext,
): Promise<number> {
  const dataDir = resolveDataDir(flags.dataDir, context.cwd);
  const restored = await restoreSnapshot({
    dataDir,
    file: resolve(context.cwd, flags.file),
    processes: context.processes,
  });
  if (restored.leftover !== null) {
    context.stderr(
      `warning: could not remove the replaced data directory ${restored.leftover}; delete it by hand.`,
    );
  }
  if (flags.json) {
    context.stdout(JSON.stringify(restored, null, 2));
    return 0;
  }
  context.stdout(`Restored ${dataDir} from ${restored.file}`);
  context.stdout(`  Contents:  ${contents(restored)}`);
  context.stdout(
    `Start the network with \`citadel start${flags.dataDir === undefined ? '' : ` --data-dir ${shellPath(dataDir)}`}\`.`,
  );
  return 0;
}
