import type { MesosTaskStatus } from '../ports/mesos-driver.js';
import type { AppSync, Committer, EngineQueue, LogSource, MesosCalls, StateSource } from './ports.js';
import { applyStatusUpdates } from './status-updates.js';

/** Mesos states in which a task still runs (or is about to): an unknown task in one of them is stopped. */
const LIVE_STATES: ReadonlySet<string> = new Set([
  'TASK_STAGING',
  'TASK_STARTING',
  'TASK_RUNNING',
  'TASK_KILLING',
]);

/** What draining status updates uses of the engine: the state, the committer, the controller and Mesos. */
export type StatusDrainPorts = StateSource & Committer & AppSync & MesosCalls & LogSource;

/**
 * At most this many status updates are applied per store batch, one queue turn each: a burst of 10 000 or
 * 100 000 (a large launch) is drained in chunks, so a turn, the batch it writes and what it holds in memory
 * stay bounded (issue 9 §0: 10 000 updates in one batch held every other request for about a second on
 * LevelDB), and the first updates are acknowledged without waiting for the last. About the size of a create's
 * fill chunk (`FILL_CHUNK`) and a placement pass (`placementBudget`); the controller's decision after each
 * chunk costs O(chunk) (see `AppSummary`), so small chunks do not make a large launch quadratic.
 */
export const MAX_UPDATES_PER_BATCH = 500;

/**
 * The engine's inbox of status updates. Each update is buffered, and one job in the engine's queue drains
 * every update buffered before it ran (up to {@link MAX_UPDATES_PER_BATCH}; the rest get the next job, queued
 * after `setImmediate`, so requests that arrived meanwhile queue their work first). A launch of 100 000
 * taskgroups brings 100 000 STARTING updates at once; drained together they cost 200 store batches and
 * controller runs instead of 100 000 of each, which made a large application's start O(n²). An update thus takes effect no later than its turn in the queue, and never before an update
 * that arrived earlier.
 */
export class StatusUpdateBuffer {
  private readonly updates: MesosTaskStatus[] = [];
  private queued = false;
  /**
   * The uuids of the updates buffered, being applied or being acknowledged. Mesos resends an update (same
   * uuid) until it is acknowledged; a resend that arrives while the first copy is still on its way through
   * here is dropped: the one acknowledgement covers both. Behind a backlog (100 000 launches over the wire)
   * every update was otherwise resent, drained and acknowledged again, which only made the backlog grow.
   */
  private readonly inFlight = new Set<string>();
  /** ACKNOWLEDGE calls sent and not answered yet. */
  private readonly acking = new Set<Promise<void>>();
  /** The acknowledgements of the batch drained last, answered or not. */
  private lastAcks: Promise<unknown> = Promise.resolve();

  constructor(private readonly engine: StatusDrainPorts & EngineQueue) {}

  /**
   * Buffers `status`, unless it is a resend of an update still buffered or being acknowledged (same uuid):
   * false then. A drain is queued unless one is queued and not started yet.
   */
  push(status: MesosTaskStatus): boolean {
    if (status.uuid !== undefined) {
      if (this.inFlight.has(status.uuid)) return false;
      this.inFlight.add(status.uuid);
    }
    this.updates.push(status);
    this.queueDrain();
    return true;
  }

  /** Resolves once every ACKNOWLEDGE sent so far is answered (or failed). */
  async acknowledged(): Promise<void> {
    while (this.acking.size > 0) await Promise.all([...this.acking]);
  }

  private queueDrain(): void {
    if (this.queued) return;
    this.queued = true;
    this.engine
      .run(() => this.drain())
      .catch((error: unknown) =>
        this.engine.logger.error({ err: error, event: 'UPDATE' }, 'event handling failed'),
      );
  }

  private async drain(): Promise<void> {
    this.queued = false;
    const statuses = this.updates.splice(0, MAX_UPDATES_PER_BATCH);
    // The rest is drained by a job of its own, queued once the event loop has taken in what arrived
    // meanwhile (requests, timers), so it runs behind their work. `queued` stays set until then: updates
    // pushed in between join that job instead of queueing another.
    if (this.updates.length > 0) {
      this.queued = true;
      setImmediate(() => {
        this.queued = false;
        this.queueDrain();
      });
    }
    try {
      await drainStatusUpdates(this.engine, statuses);
    } catch (error) {
      // Nothing was acknowledged: Mesos resends these, and each must be taken again then.
      for (const status of statuses) this.settled(status);
      throw error;
    }
    // The queue waits for the previous batch's answers, not for this one's: the next batch is applied and
    // written while these are on the wire, and at most two batches' ACKs are (memory stays bounded).
    const previous = this.lastAcks;
    this.lastAcks = this.acknowledge(statuses);
    await previous;
  }

  /**
   * Acknowledges the updates of a persisted batch, all at once (a driver may send them on parallel
   * connections: their order does not matter); resolves once every one is answered (or failed).
   */
  private acknowledge(statuses: readonly MesosTaskStatus[]): Promise<unknown> {
    const sent: Promise<void>[] = [];
    for (const status of statuses) {
      if (status.uuid === undefined) continue;
      if (status.agent_id === undefined) {
        this.settled(status);
        continue;
      }
      const ack: Promise<void> = this.engine
        .send({
          type: 'ACKNOWLEDGE',
          acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid },
        })
        .finally(() => {
          this.settled(status);
          this.acking.delete(ack);
        });
      this.acking.add(ack);
      sent.push(ack);
    }
    return Promise.all(sent);
  }

  private settled(status: MesosTaskStatus): void {
    if (status.uuid !== undefined) this.inFlight.delete(status.uuid);
  }
}

/**
 * Applies status updates that arrived together, inside the engine's queue:
 *
 * 1. apply them in order to the taskgroups (pure, {@link applyStatusUpdates});
 * 2. persist every change in ONE store batch;
 * 3. stop the tasks nobody knows (orphans);
 * 4. let each affected application's controller act once (one more batch, then its kills).
 *
 * Only once this is done does {@link StatusUpdateBuffer} acknowledge the updates: an ACK tells Mesos the
 * update is persisted, and Mesos resends an unacknowledged one, so a crash before that point loses nothing.
 */
export async function drainStatusUpdates(
  engine: StatusDrainPorts,
  statuses: readonly MesosTaskStatus[],
): Promise<void> {
  const batch = applyStatusUpdates(engine.state, statuses, engine.controllerContext());
  await engine.commit(batch.changes);
  for (const status of batch.unknown) await stopOrphan(engine, status);
  if (batch.affected.size > 0) await engine.syncApps(batch.affected);
}

/**
 * A task the scheduler has no record of: an orphan. If it runs, stop it (spec/bcs-behaviour.md §2.1): KILL of
 * the task with the DEFAULT executor (which then stops its group), SHUTDOWN of its executor with the BCS one.
 */
async function stopOrphan(engine: MesosCalls & LogSource, status: MesosTaskStatus): Promise<void> {
  if (!LIVE_STATES.has(status.state) || status.agent_id === undefined) return;
  engine.logger.warn({ task: status.task_id.value }, 'killing a task the scheduler does not know');
  if (engine.executor.kind === 'bcs' && status.executor_id !== undefined) {
    await engine.send({
      type: 'SHUTDOWN',
      shutdown: { executor_id: status.executor_id, agent_id: status.agent_id },
    });
  } else {
    await engine.send({ type: 'KILL', kill: { task_id: status.task_id, agent_id: status.agent_id } });
  }
}
