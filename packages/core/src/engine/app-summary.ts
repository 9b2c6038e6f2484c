import { passesLocalHealth } from '../resources/health.js';
import type { TaskGroup, TaskGroupStatus } from '../resources/taskgroup.js';
import { ENDED_STATUSES, FAILED_STATUSES } from '../status/lifecycle.js';

/**
 * What the app controller reads of an application's taskgroups on every decision, kept up to date as they
 * change (the engine's state calls {@link add}, {@link replace} and {@link remove} wherever it changes the
 * app's `taskGroups` map), so that the common decision — a create filling its gaps, a status drain, a
 * placement pass — costs O(changed) rather than a walk of every taskgroup (issue 9 §0: a 100 000-instance
 * app decided after each of hundreds of bounded batches would otherwise cost quadratic time).
 *
 * Example: 3 taskgroups at indexes 0, 1, 1 (a replacement beside its old instance), statuses Running,
 * Pending "waiting for an offer", Killed → `count` {Running 1, Pending 1, Killed 1}, `indexes` {0→1, 1→2},
 * `maxIndex()` 1, `ended` 1, `pending` holds the Pending one.
 */
export class AppSummary {
  /** Taskgroups per status (absent = 0). */
  readonly count = new Map<TaskGroupStatus, number>();
  /** Index → how many taskgroups hold it: `indexes.size` is the number of distinct indexes. */
  readonly indexes = new Map<number, number>();
  /** The Pending taskgroups by id, in the order of the app's `taskGroups` map (see {@link orderExact}). */
  readonly pending = new Map<string, TaskGroup>();
  /** Pending taskgroups per message. */
  readonly pendingMessages = new Map<string, number>();
  /** Taskgroups in one of `ENDED_STATUSES` (Finish, Failed, Killed, Error, Lost). */
  ended = 0;
  /**
   * What a rollout observes of the app (`observeApp`), counted rather than walked (issue 11 §6): the sum of
   * the taskgroups' `restarts`, the taskgroups in one of `FAILED_STATUSES`, the Running ones with no kill
   * requested (`ready`), and of those the ones whose every task is healthy or unchecked (`readyHealthy`).
   */
  restarts = 0;
  failed = 0;
  ready = 0;
  readyHealthy = 0;
  /**
   * False once a taskgroup re-entered Pending under its id (no status rule does that today): `pending` may
   * then be out of the app's order, and the controller walks the taskgroups instead of trusting it.
   */
  orderExact = true;
  private max = -1;
  private maxStale = false;

  /** Counts `taskGroup`, new to the app (appended to its map). */
  add(taskGroup: TaskGroup): void {
    this.countIn(taskGroup, 1);
    const held = this.indexes.get(taskGroup.index) ?? 0;
    this.indexes.set(taskGroup.index, held + 1);
    if (taskGroup.index > this.max) this.max = taskGroup.index;
    if (taskGroup.status === 'Pending') this.pending.set(taskGroup.id, taskGroup);
  }

  /** `previous` (same id, same place in the app's map) became `next`. */
  replace(previous: TaskGroup, next: TaskGroup): void {
    this.countIn(previous, -1);
    this.countIn(next, 1);
    if (previous.index !== next.index) {
      this.dropIndex(previous.index);
      this.indexes.set(next.index, (this.indexes.get(next.index) ?? 0) + 1);
      if (next.index > this.max) this.max = next.index;
    }
    if (next.status === 'Pending') {
      if (previous.status !== 'Pending') this.orderExact = false;
      // `set` on a key already there keeps its place.
      this.pending.set(next.id, next);
    } else {
      this.pending.delete(previous.id);
    }
  }

  /** `taskGroup` left the app. */
  remove(taskGroup: TaskGroup): void {
    this.countIn(taskGroup, -1);
    this.dropIndex(taskGroup.index);
    this.pending.delete(taskGroup.id);
  }

  /** The highest index any taskgroup holds, or -1 when there is none. */
  maxIndex(): number {
    if (this.maxStale) {
      this.maxStale = false;
      this.max = -1;
      for (const index of this.indexes.keys()) if (index > this.max) this.max = index;
    }
    return this.max;
  }

  private dropIndex(index: number): void {
    const held = this.indexes.get(index) ?? 0;
    if (held > 1) {
      this.indexes.set(index, held - 1);
      return;
    }
    this.indexes.delete(index);
    if (index === this.max) this.maxStale = true;
  }

  private countIn(taskGroup: TaskGroup, sign: 1 | -1): void {
    const { status } = taskGroup;
    const count = (this.count.get(status) ?? 0) + sign;
    if (count === 0) this.count.delete(status);
    else this.count.set(status, count);
    if (ENDED_STATUSES.has(status)) this.ended += sign;
    this.restarts += sign * taskGroup.restarts;
    if (FAILED_STATUSES.has(status)) this.failed += sign;
    if (status === 'Running' && taskGroup.killRequestedAt === undefined) {
      this.ready += sign;
      if (taskGroup.tasks.every(passesLocalHealth)) this.readyHealthy += sign;
    }
    if (status === 'Pending') {
      const same = (this.pendingMessages.get(taskGroup.message) ?? 0) + sign;
      if (same === 0) this.pendingMessages.delete(taskGroup.message);
      else this.pendingMessages.set(taskGroup.message, same);
    }
  }
}
