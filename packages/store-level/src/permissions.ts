import { chmod, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The mode of a LevelDB directory: only its owner may list, read or enter it. */
export const DIRECTORY_MODE = 0o700;
/** The mode of each file in it: only its owner may read or write it. */
export const FILE_MODE = 0o600;

/**
 * Creates `location` (and missing parents) with mode 0700 before LevelDB opens it, whatever the umask.
 * Stored objects may carry credentials (image pull passwords), so the data is the owner's alone.
 */
export async function createPrivateDirectory(location: string): Promise<void> {
  await mkdir(location, { recursive: true, mode: DIRECTORY_MODE });
  await chmod(location, DIRECTORY_MODE);
}

/**
 * Sets `location` to 0700 and every file in it to 0600 (subdirectories 0700), whatever the umask LevelDB
 * created them under. Run after open and after close; files LevelDB adds in between sit in the 0700
 * directory, which no one else can enter.
 */
export async function restrictPermissions(location: string): Promise<void> {
  await chmod(location, DIRECTORY_MODE);
  for (const entry of await readdir(location, { withFileTypes: true })) {
    const path = join(location, entry.name);
    if (entry.isDirectory()) await restrictPermissions(path);
    else if (entry.isFile()) await chmod(path, FILE_MODE).catch(ignoreVanished);
  }
}

// LevelDB may delete a file (an old log, a compacted table) between readdir and chmod.
function ignoreVanished(error: unknown): void {
  if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
}
