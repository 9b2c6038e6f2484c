import { demandOf, exceededResource } from '../resources.js';
import { type FeasibilityChecker, rejectReason } from './checker.js';

const REASONS = { cpus: rejectReason('cpus'), mem: rejectReason('mem'), disk: rejectReason('disk') } as const;

/**
 * Resource fit (§3.2): the offer's free cpus, mem and disk must hold the taskgroup's demand, its tasks plus
 * the executor overhead (`../resources.ts`). The rejection names the first short dimension.
 *
 * Worked examples, one container {cpus 1, mem 128, disk 0} (demand 1.01 / 192 / 64):
 * - offer 2 / 1024 / 1024 → true; offer 1.01 / 192 / 64 → true (exact fit);
 * - offer 1 / 1024 / 1024 → `cpus`; offer 2 / 191 / 1024 → `mem`; offer 2 / 1024 / 63 → `disk`.
 */
export const resourcesChecker: FeasibilityChecker = {
  name: 'resources',
  static: false,
  sticky: true,
  check(offer, ctx, request) {
    const short = exceededResource(demandOf(request.version, ctx.overhead), offer);
    return short === undefined ? true : REASONS[short];
  },
};
