import { inject, injectable } from 'tsyringe';
import { DEPLOYMENT_COLLECTION, type Deployment } from '../deployments/record.js';
import { SchedulerEngine } from '../engine/engine.js';
import type { EngineQueue, LogSource, StateSource, StoreSource } from '../engine/ports.js';
import { ErrorCode, isBcsError } from '../errors.js';
import { applicationSnapshot, deploymentSnapshot, taskGroupSnapshot } from '../events/derive.js';
import {
  type DomainEvent,
  type EventFilter,
  type EventKind,
  type EventMessage,
  matchesFilter,
  type Snapshot,
} from '../events/event.js';
import { EventLog } from '../events/event-log.js';
import type { EventSource, SubscribeOptions } from '../events/subscribe-options.js';
import type { UnreadableRow } from '../ports/store.js';
import type { Application } from '../resources/app.js';
import type { TaskGroup } from '../resources/taskgroup.js';
import { unreadableReporter } from '../store/unreadable.js';

const DEFAULT_MAX_BATCH = 500;

/** Snapshot items built per macrotask (see `EventService.snapshot`). */
export const SNAPSHOT_CHUNK = 1000;

/**
 * Subscriptions to the scheduler's events, for code that embeds core and for transports (the WebSocket
 * stream sends exactly what a subscription yields). A subscription is a cursor into the log: it reads at the
 * consumer's pace, from memory while it keeps up and from the store when it falls behind, so it never
 * buffers on the consumer's behalf.
 *
 * ```ts
 * for await (const message of events.subscribe({ namespace: 'prod', since: lastSeen })) {
 *   if (message.type === 'events') for (const e of message.events) lastSeen = e.seq;
 * }
 * ```
 */
@injectable()
export class EventService implements EventSource {
  /** Logs, once each, deployment records that cannot be read back (left out of snapshots). */
  private readonly onUnreadable: (row: UnreadableRow) => void;

  constructor(
    @inject(EventLog) readonly log: EventLog,
    @inject(SchedulerEngine) private readonly engine: EngineQueue & StateSource & StoreSource & LogSource,
  ) {
    this.onUnreadable = unreadableReporter(engine.logger, 'left out of the snapshot');
  }

  /** The newest sequence number and the oldest one retained. */
  async latest(): Promise<{ seq: number; oldest: number }> {
    await this.log.load();
    return { seq: this.log.lastSeq, oldest: this.log.oldestSeq };
  }

  /**
   * Yields `hello`, then (with `snapshot: true`) the current state, then every matching event after `since`
   * (or after now, or after the snapshot) in `events` messages, in order,
   * with no gap and no duplicate; when that history is gone, a `resync` with the current state instead, after
   * which events continue. Ends when the consumer stops iterating or `signal` aborts.
   */
  subscribe(options: SubscribeOptions = {}): AsyncIterableIterator<EventMessage> {
    return this.run(options);
  }

  /**
   * The current state of every object `filter` selects, at one sequence number. Taken in the engine's queue
   * (so no commit falls in between) as references only (the state's records are never changed in place, a
   * commit replaces them); the items are built afterwards, outside the queue, {@link SNAPSHOT_CHUNK} at a time
   * with a macrotask in between, so a snapshot of 100 000 taskgroups never holds the event loop, nor the queue,
   * for long (issue 11 §4).
   */
  async snapshot(filter: EventFilter = {}): Promise<{ seq: number; snapshot: Snapshot }> {
    const wants = (kind: EventKind) =>
      filter.kinds === undefined || filter.kinds.length === 0 || filter.kinds.includes(kind);
    const taken = await this.engine.run(async () => {
      await this.log.load();
      const apps: { app: Application; taskGroups: readonly TaskGroup[] }[] = [];
      for (const { app, taskGroups } of this.engine.state.apps.values()) {
        if (filter.namespace !== undefined && app.namespace !== filter.namespace) continue;
        if (filter.namespaces !== undefined && !filter.namespaces.includes(app.namespace)) continue;
        // A filter on an application selects the taskgroups of that application only.
        const selected = filter.application === undefined || filter.application === app.id;
        apps.push({ app, taskGroups: wants('taskgroup.status') && selected ? [...taskGroups.values()] : [] });
      }
      let records: Deployment[] = [];
      if (wants('deployment.status')) {
        const options = {
          ...(filter.namespace === undefined ? {} : { prefix: `${filter.namespace}/` }),
          onUnreadable: this.onUnreadable,
        };
        const entries = await this.engine.store.list<Deployment>(DEPLOYMENT_COLLECTION, options);
        records = entries.map((entry) => entry.value);
      }
      return { seq: this.log.lastSeq, apps, records };
    });
    let built = 0;
    const applications = [];
    const taskgroups = [];
    for (const { app, taskGroups } of taken.apps) {
      const application = applicationSnapshot(app);
      if (wants('application.status') && selects(filter, 'application.status', application)) {
        applications.push(application);
      }
      if (++built % SNAPSHOT_CHUNK === 0) await nextMacrotask();
      for (const taskGroup of taskGroups) {
        const item = taskGroupSnapshot(taskGroup, app.owner?.name);
        if (selects(filter, 'taskgroup.status', item)) taskgroups.push(item);
        if (++built % SNAPSHOT_CHUNK === 0) await nextMacrotask();
      }
    }
    const deployments = [];
    for (const record of taken.records) {
      const item = deploymentSnapshot(record);
      if (selects(filter, 'deployment.status', item)) deployments.push(item);
      if (++built % SNAPSHOT_CHUNK === 0) await nextMacrotask();
    }
    return { seq: taken.seq, snapshot: { applications, taskgroups, deployments } };
  }

  private async *run(options: SubscribeOptions): AsyncGenerator<EventMessage> {
    const { signal } = options;
    const filter: EventFilter = options;
    const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
    await this.log.load();
    const newest = this.log.lastSeq;
    yield { type: 'hello', seq: newest, oldest: this.log.oldestSeq };
    let cursor = options.since ?? newest;
    if (options.snapshot === true && options.since === undefined) {
      const { seq, snapshot } = await this.snapshot(filter);
      yield { type: 'snapshot', seq, snapshot };
      cursor = seq;
    } else if (cursor > newest) {
      const { seq, snapshot } = await this.snapshot(filter);
      yield { type: 'resync', seq, reason: `since ${cursor} is newer than the log (${newest})`, snapshot };
      cursor = seq;
    }
    // A flag set once by the signal: reading `signal.aborted` (a checked getter) on every turn of 1,000
    // subscriptions' loops cost a few per cent of the server.
    let stopped = signal?.aborted === true;
    signal?.addEventListener(
      'abort',
      () => {
        stopped = true;
      },
      { once: true },
    );
    const aborted = () => stopped;
    while (!aborted()) {
      let events: DomainEvent[];
      try {
        events = await this.log.read(cursor, maxBatch);
      } catch (error) {
        if (!isBcsError(error) || error.code !== ErrorCode.Compacted) throw error;
        const { seq, snapshot } = await this.snapshot(filter);
        yield { type: 'resync', seq, reason: error.message, snapshot };
        cursor = seq;
        continue;
      }
      const last = events.at(-1);
      if (last === undefined) {
        await this.log.waitAfter(cursor, signal);
        continue;
      }
      cursor = last.seq;
      const matched = events.filter((event) => matchesFilter(event, filter));
      if (matched.length > 0 && !aborted()) yield { type: 'events', events: matched };
    }
  }
}

/** Lets I/O and other work run (a `setImmediate` turn). */
function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Whether a snapshot item passes `filter`, judged as the event of its kind would be. */
function selects(filter: EventFilter, kind: EventKind, item: object): boolean {
  return matchesFilter({ ...item, kind } as DomainEvent, filter);
}
