import type { MemoryLevel } from 'memory-level';
import { vi } from 'vitest';

/** One batch written to Level: how many operations it held and the options it was written with. */
export interface LevelWrite {
  readonly ops: number;
  readonly options: unknown;
}

/**
 * Watches the batches written to `db`, in either of Level's forms: an array (`db.batch(ops, options)`) or a
 * chained batch (`db.batch()`, `put`/`del`…, `write(options)`), which the store uses for its groups. `writes`
 * lists each as it is written; `failNext` makes the next one reject with `error` (nothing of it is written),
 * `holdNext` makes it wait for `until` first. `restore` undoes the watch.
 */
export function watchWrites(db: MemoryLevel) {
  const writes: LevelWrite[] = [];
  let next: ((write: () => Promise<void>, discard: () => Promise<void>) => Promise<void>) | undefined;
  const write = (ops: number, options: unknown, run: () => Promise<void>, discard: () => Promise<void>) => {
    writes.push({ ops, options });
    const hook = next;
    next = undefined;
    return hook === undefined ? run() : hook(run, discard);
  };
  const batch = db.batch.bind(db) as (...args: unknown[]) => unknown;
  const spy = vi.spyOn(db, 'batch').mockImplementation(((...args: unknown[]) => {
    if (args.length > 0) {
      const ops = args[0] as unknown[];
      return write(
        ops.length,
        args[1],
        () => batch(...args) as Promise<void>,
        async () => undefined,
      );
    }
    const chained = batch() as ReturnType<MemoryLevel['batch']>;
    const put = chained.put.bind(chained);
    const del = chained.del.bind(chained);
    const run = chained.write.bind(chained);
    let ops = 0;
    chained.put = ((...a: Parameters<typeof put>) => {
      ops++;
      return put(...a);
    }) as typeof put;
    chained.del = ((...a: Parameters<typeof del>) => {
      ops++;
      return del(...a);
    }) as typeof del;
    chained.write = ((options?: unknown) =>
      write(
        ops,
        options,
        () => run(options as never),
        () => chained.close(),
      )) as typeof chained.write;
    return chained;
  }) as unknown as typeof db.batch);
  return {
    writes,
    failNext(error: unknown): void {
      next = async (_run, discard) => {
        await discard();
        throw error;
      };
    },
    holdNext(until: Promise<void>): void {
      next = async (run) => {
        await until;
        await run();
      };
    },
    restore: () => spy.mockRestore(),
  };
}
