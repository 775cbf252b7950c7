import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Creates `path` (it must not exist), writes `pieces` one after the other and fsyncs the file,
 * so its contents are on disk before anything that refers to it is published.
 */
export async function writeFileDurably(
  path: string,
  pieces: readonly Uint8Array[],
  options: { mode?: number } = {},
): Promise<void> {
  const handle = await open(path, 'wx', options.mode ?? 0o644);
  try {
    for (const piece of pieces) {
      let offset = 0;
      // A write may be partial; loop until the piece is out.
      while (offset < piece.length) {
        const { bytesWritten } = await handle.write(piece, offset, piece.length - offset);
        offset += bytesWritten;
      }
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Fsyncs a directory, which makes the entries created, renamed or removed in it durable
 * (POSIX: a file's fsync does not cover its directory entry).
 */
export async function syncDirectory(path: string): Promise<void> {
  // Windows cannot open a directory for fsync; NTFS journals metadata, so renames are durable.
  if (process.platform === 'win32') {
    return;
  }
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `path` with `bytes` atomically: a crash leaves either the old or the new contents,
 * never a mix (write a temporary file, fsync, rename over, fsync the directory).
 */
export async function replaceFileAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp`;
  // A leftover from a crash during an earlier replace is never referenced; drop it.
  await rm(tmp, { force: true });
  await writeFileDurably(tmp, [bytes]);
  await rename(tmp, path);
  await syncDirectory(dirname(path));
}
