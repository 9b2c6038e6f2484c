import {
  type BatchOp,
  BcsError,
  ErrorCode,
  isBcsError,
  type Logger,
  type MesosAttribute,
  type MesosExecutorInfo,
  type MesosFrameworkInfo,
  type MesosTaskState,
  type MesosTaskStatus,
  type Store,
  silentLogger,
  UNREADABLE_REASON,
} from '@bcs/core';
import { frameworkFrom } from './framework.js';
import {
  type ClusterState,
  emptyState,
  type PendingStep,
  type SimAgent,
  type SimCounters,
  type SimGroup,
  type SimTask,
} from './model.js';
import { type Amounts, subtractAmounts } from './resources.js';
import type { SimScript } from './types.js';

/**
 * How the simulated cluster persists itself in a `Store` (collection {@link SIM_COLLECTION}):
 *
 * | key                                | value                                                          |
 * | ---------------------------------- | -------------------------------------------------------------- |
 * | `meta`                             | master id, PRNG state, id counters, framework, removed ids       |
 * | `agent/<agentId>`                  | hostname, InnerIP, attributes, total resources                  |
 * | `group/<agentId>/<executorId>`     | ExecutorInfo, charged resources, tasks (state, step, queue)     |
 *
 * Free resources are derived on load (total − charged). Offers, filters and resend timers are not stored:
 * a (re)subscription regenerates offers and resends every unacknowledged head.
 */
export const SIM_COLLECTION = 'sim';

interface MetaRecord {
  readonly version: 1;
  readonly masterId: string;
  readonly prng: number;
  readonly counters: SimCounters;
  readonly framework?: { readonly id: string; readonly info: MesosFrameworkInfo };
  readonly removedFrameworks: readonly string[];
}

interface AgentRecord {
  readonly id: string;
  readonly index: number;
  readonly hostname: string;
  readonly innerIp: string;
  readonly attributes: readonly MesosAttribute[];
  readonly total: Amounts;
}

interface TaskRecord {
  readonly id: string;
  readonly name: string;
  readonly state: MesosTaskState;
  readonly healthy?: boolean;
  readonly healthCheck: boolean;
  readonly killGraceMs?: number;
  readonly script?: SimScript;
  readonly next?: PendingStep;
  readonly queue: readonly MesosTaskStatus[];
}

interface GroupRecord {
  readonly agentId: string;
  readonly executorId: string;
  readonly executor: MesosExecutorInfo;
  readonly charged: Amounts;
  readonly failed: boolean;
  readonly tasks: readonly TaskRecord[];
}

/** What {@link SimPersistence.load} found. */
export interface LoadedState {
  readonly meta: MetaRecord;
  readonly agents: readonly AgentRecord[];
  readonly groups: readonly GroupRecord[];
}

/**
 * Writes changed records to the store, coalesced: marks collect during a tick and one `batch()` writes them,
 * built synchronously from the live state so later mutations cannot leak in. While a batch is being written,
 * marks collect for the next one, written once it is done (group commit): behind a busy HTTP face (eight
 * ACKNOWLEDGE calls at a time, each its own macrotask) one batch per call took a third of the simulator's CPU.
 */
export class SimPersistence {
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #dirty = new Map<string, () => unknown>();
  #scheduled = false;
  /** Batches handed to the store and not written yet. */
  #inProgress = 0;
  #writing: Promise<void> = Promise.resolve();
  #error: unknown;

  constructor(store: Store, logger: Logger = silentLogger) {
    this.#store = store;
    this.#logger = logger;
  }

  /** Marks the meta record. `read` returns its current value. */
  markMeta(read: () => MetaRecord): void {
    this.#mark('meta', read);
  }

  /** Marks an agent record (`undefined` from `read` deletes it). */
  markAgent(agentId: string, read: () => SimAgent | undefined): void {
    this.#mark(`agent/${agentId}`, () => {
      const agent = read();
      return agent === undefined ? undefined : agentRecord(agent);
    });
  }

  /** Marks a group record (`undefined` from `read` deletes it). */
  markGroup(agentId: string, executorId: string, read: () => SimGroup | undefined): void {
    this.#mark(`group/${agentId}/${executorId}`, () => {
      const group = read();
      return group === undefined ? undefined : groupRecord(group);
    });
  }

  /** Resolves once every marked change is written; rejects with the first write failure. */
  async flushed(): Promise<void> {
    if (this.#scheduled) this.#flush();
    await this.#writing;
    if (this.#error !== undefined) {
      const error = this.#error;
      this.#error = undefined;
      throw error;
    }
  }

  /**
   * Reads the persisted cluster, or `undefined` when the store holds none. Records that cannot be read back
   * are logged and skipped; when `meta` is one of them the cluster cannot be restored: `undefined`, and every
   * other record of the old cluster is marked for deletion (the new cluster's first flush removes them).
   */
  async load(): Promise<LoadedState | undefined> {
    const unreadable: string[] = [];
    const onUnreadable = ({ key }: { key: string }) => unreadable.push(key);
    const entries = await wrap(this.#store.list<unknown>(SIM_COLLECTION, { onUnreadable }), 'loading');
    for (const key of unreadable) {
      const fields = { collection: SIM_COLLECTION, key, reason: UNREADABLE_REASON };
      this.#logger.error(
        fields,
        `record unreadable: ${key === 'meta' ? 'starting a new cluster' : 'skipped'}`,
      );
    }
    if (unreadable.includes('meta')) {
      for (const key of [...unreadable, ...entries.map((entry) => entry.key)]) {
        if (key !== 'meta') this.#mark(key, () => undefined);
      }
      return undefined;
    }
    let meta: MetaRecord | undefined;
    const agents: AgentRecord[] = [];
    const groups: GroupRecord[] = [];
    for (const entry of entries) {
      if (entry.key === 'meta') meta = entry.value as MetaRecord;
      else if (entry.key.startsWith('agent/')) agents.push(entry.value as AgentRecord);
      else if (entry.key.startsWith('group/')) groups.push(entry.value as GroupRecord);
    }
    if (meta === undefined) return undefined;
    agents.sort((a, b) => a.index - b.index);
    return { meta, agents, groups };
  }

  #mark(key: string, read: () => unknown): void {
    this.#dirty.set(key, read);
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      // A batch being written flushes these marks when it is done.
      if (this.#inProgress === 0) this.#flush();
    });
  }

  #flush(): void {
    if (!this.#scheduled) return;
    this.#scheduled = false;
    const ops: BatchOp[] = [];
    for (const [key, read] of this.#dirty) {
      const value = read();
      ops.push(
        value === undefined
          ? { type: 'delete', collection: SIM_COLLECTION, key }
          : { type: 'put', collection: SIM_COLLECTION, key, value },
      );
    }
    this.#dirty.clear();
    this.#inProgress++;
    this.#writing = this.#writing.then(async () => {
      try {
        await wrap(this.#store.batch(ops), 'saving');
      } catch (error) {
        this.#error ??= error;
      } finally {
        this.#inProgress--;
        if (this.#inProgress === 0) this.#flush();
      }
    });
  }
}

/** The meta record of `state` with the PRNG state `prng`. */
export function metaRecord(state: ClusterState, prng: number): MetaRecord {
  const framework = state.framework;
  return {
    version: 1,
    masterId: state.masterId,
    prng,
    counters: { ...state.counters },
    ...(framework === undefined ? {} : { framework: { id: framework.id, info: framework.info } }),
    removedFrameworks: [...state.removedFrameworks],
  };
}

function agentRecord(agent: SimAgent): AgentRecord {
  const { id, index, hostname, innerIp, attributes, total } = agent;
  return { id, index, hostname, innerIp, attributes, total };
}

function groupRecord(group: SimGroup): GroupRecord {
  return {
    agentId: group.agentId,
    executorId: group.executorId,
    executor: group.executor,
    charged: group.charged,
    failed: group.failed,
    tasks: [...group.tasks.values()].map(taskRecord),
  };
}

function taskRecord(task: SimTask): TaskRecord {
  return {
    id: task.id,
    name: task.name,
    state: task.state,
    healthCheck: task.healthCheck,
    queue: [...task.queue],
    ...(task.healthy === undefined ? {} : { healthy: task.healthy }),
    ...(task.killGraceMs === undefined ? {} : { killGraceMs: task.killGraceMs }),
    ...(task.script === undefined ? {} : { script: task.script }),
    ...(task.next === undefined ? {} : { next: task.next }),
  };
}

/**
 * Rebuilds the master's state from what {@link SimPersistence.load} read: agents with their executors and
 * tasks (free resources = total − charged), counters and the framework (unsuppressed; offers and filters are
 * per subscription). The PRNG state is `loaded.meta.prng`, for the caller to restore.
 */
export function restoreState(loaded: LoadedState): ClusterState {
  const { meta } = loaded;
  const state = emptyState(meta.masterId);
  state.counters = { ...meta.counters };
  for (const id of meta.removedFrameworks) state.removedFrameworks.add(id);
  if (meta.framework !== undefined) state.framework = frameworkFrom(meta.framework.id, meta.framework.info);
  for (const a of loaded.agents) {
    const { id, index, hostname, innerIp, attributes, total } = a;
    const agent = { id, index, hostname, innerIp, attributes, total };
    state.agents.set(a.id, {
      ...agent,
      free: total,
      offerId: undefined,
      filter: undefined,
      groups: new Map(),
    });
  }
  for (const g of loaded.groups) {
    const agent = state.agents.get(g.agentId);
    if (agent === undefined) continue;
    const tasks = new Map(g.tasks.map((t) => [t.id, taskFromRecord(t, g)] as const));
    const { agentId, executorId, executor, charged, failed } = g;
    agent.groups.set(executorId, { agentId, executorId, executor, charged, failed, tasks });
    agent.free = subtractAmounts(agent.free, charged);
    for (const task of tasks.values()) state.tasks.set(task.id, task);
  }
  return state;
}

function taskFromRecord(record: TaskRecord, group: Pick<GroupRecord, 'agentId' | 'executorId'>): SimTask {
  return {
    id: record.id,
    name: record.name,
    agentId: group.agentId,
    executorId: group.executorId,
    state: record.state,
    healthy: record.healthy,
    healthCheck: record.healthCheck,
    killGraceMs: record.killGraceMs,
    script: record.script,
    next: record.next,
    queue: [...record.queue],
    retry: undefined,
  };
}

async function wrap<T>(promise: Promise<T>, doing: string): Promise<T> {
  try {
    return await promise;
  } catch (cause) {
    const code = isBcsError(cause) ? cause.code : ErrorCode.Internal;
    throw new BcsError(code, `simulated-cluster: ${doing} state failed`, { cause });
  }
}
