import { encodeKey, SUBLEVELS } from '../../src/keys.js';
import type { LevelDatabase } from '../../src/session.js';

const TEXT = { keyEncoding: 'utf8', valueEncoding: 'utf8' } as const;

/** Text that is not JSON, as a torn or foreign write leaves it. */
export const GARBAGE = '{"revision":3,"value":{"trunc';

/**
 * Writes `text` (default {@link GARBAGE}) as the raw value of `collection`/`key` in an open database,
 * bypassing the store: the key layout of `keys.ts` (`!objects!!<collection>!<encodeKey(key)>`).
 */
export async function plantRaw(
  db: LevelDatabase,
  collection: string,
  key: string,
  text: string = GARBAGE,
): Promise<void> {
  const objects = db.sublevel(SUBLEVELS.objects, TEXT);
  await objects.sublevel(collection, TEXT).put(encodeKey(key), text);
}
