import { open } from 'node:fs/promises';

/**
 * Fsyncs a directory, making the entries created or renamed in it durable (POSIX: a file's
 * fsync does not cover its directory entry).
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
