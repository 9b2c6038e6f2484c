import {
  type BcsMessage,
  type CommandTrackerOptions,
  createScheduler,
  decodeSchedulerMessage,
  type EngineOptions,
  type MesosCall,
  type MesosDriver,
  type MesosEvent,
  type MesosEventListener,
  type MesosFrameworkInfo,
  type MesosLinkStatus,
  type Scheduler,
  SchedulerEngine,
  type Store,
  type TaskGroup,
} from '@bcs/core';
import { createMemoryStore, ManualClock, SequentialIds } from '@bcs/testing';
import { anApplication } from '@bcs/testing/builders';
import { SimulatedCluster } from '@bcs/testing/cluster';
import { container as rootContainer } from 'tsyringe';

/**
 * A driver in front of a simulated cluster that records the MESSAGE calls and lets a test play the executor:
 * `answer()` delivers a MESSAGE event as an executor would send it (data = base64 of the plain JSON).
 */
export class TapDriver implements MesosDriver {
  readonly messages: { agentId: string; executorId: string; message: BcsMessage }[] = [];
  #listener: MesosEventListener | undefined;
  /** Set to make every MESSAGE call reject (a master that refuses it). */
  refuseMessages = false;
  constructor(readonly cluster: SimulatedCluster) {}
  async subscribe(framework: MesosFrameworkInfo, listener: MesosEventListener): Promise<void> {
    this.#listener = listener;
    await this.cluster.subscribe(framework, (event) => listener(event));
  }
  async call(call: MesosCall): Promise<void> {
    if (call.type === 'MESSAGE') {
      if (this.refuseMessages) throw new Error('HTTP 400: refused');
      const message = decodeSchedulerMessage(call.message.data);
      if (message === undefined) throw new Error('MESSAGE data does not decode the executor way');
      this.messages.push({
        agentId: call.message.agent_id.value,
        executorId: call.message.executor_id.value,
        message,
      });
    }
    await this.cluster.call(call);
  }
  status(): MesosLinkStatus {
    return this.cluster.status();
  }
  /** An executor MESSAGE event carrying `reply` (plain JSON, one base64 layer). */
  answer(executorId: string, agentId: string, reply: object): void {
    const event: MesosEvent = {
      type: 'MESSAGE',
      message: {
        agent_id: { value: agentId },
        executor_id: { value: executorId },
        data: Buffer.from(JSON.stringify(reply)).toString('base64'),
      },
    };
    queueMicrotask(() => this.#listener?.(event));
  }
  /** The requests of type `type` sent so far. */
  sent(type: number) {
    return this.messages.filter((m) => m.message.Type === type);
  }
  async dispose(): Promise<void> {
    await this.cluster.dispose();
  }
  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

/** A Res_COMMAND_TASK reply as the original executor sends it (bcs_handler.go). */
export function commandAnswer(
  id: string,
  taskId: string,
  inspect: { exitCode?: number; stdout?: string; stderr?: string } | null = {},
  status = 'finish',
  message = '',
) {
  return {
    Id: 0,
    Type: 13,
    TaskGroupId: '',
    TaskID: null,
    ResponseCommandTask: {
      ID: id,
      TaskId: taskId,
      ContainerId: 'c'.repeat(64),
      Status: status,
      Message: message,
      CommInspect:
        inspect === null
          ? null
          : { exitCode: inspect.exitCode ?? 0, stdout: inspect.stdout ?? '', stderr: inspect.stderr ?? '' },
    },
    Status: '',
    Message: '',
    CompleteTime: 0,
    CreateTime: 0,
  };
}

export const START = Date.UTC(2026, 10, 24, 6, 0, 0);

/** A scheduler with the BCS executor on a simulated cluster behind a {@link TapDriver}, manual clock. */
export interface CommandBed {
  readonly clock: ManualClock;
  readonly store: Store;
  readonly cluster: SimulatedCluster;
  readonly driver: TapDriver;
  readonly scheduler: Scheduler;
  readonly engine: SchedulerEngine;
  advance(ms: number, stepMs?: number): Promise<void>;
  settle(): Promise<void>;
  /** The taskgroups of `ns/app`, by index. */
  taskGroups(app?: string, ns?: string): TaskGroup[];
  /** Closes the scheduler only and starts another on the same store and cluster. */
  restart(): Promise<CommandBed>;
  close(): Promise<void>;
}

/**
 * Options of {@link createCommandBed}. `executors`: `emulated` lets the simulator's emulated BCS executors
 * answer; `scripted` (default) silences them, so the test plays the executor with `driver.answer()`.
 */
export interface CommandBedOptions {
  readonly engine?: EngineOptions;
  readonly commands?: CommandTrackerOptions;
  readonly agents?: number;
  readonly executors?: 'emulated' | 'scripted';
}

export async function createCommandBed(options: CommandBedOptions = {}): Promise<CommandBed> {
  const clock = new ManualClock(START);
  const store = createMemoryStore();
  const cluster = new SimulatedCluster({
    clock,
    seed: 7,
    agents: options.agents ?? 3,
    offerIntervalMs: 1000,
    startupMs: 100,
  });
  await cluster.open();
  if (options.executors !== 'emulated') {
    cluster.programExecutor('*', { command: { silent: true }, commit: { silent: true } });
  }
  return start(clock, store, cluster, options);
}

async function start(
  clock: ManualClock,
  store: Store,
  cluster: SimulatedCluster,
  options: { engine?: EngineOptions; commands?: CommandTrackerOptions },
): Promise<CommandBed> {
  const driver = new TapDriver(cluster);
  const scheduler = await createScheduler({
    container: rootContainer.createChildContainer(),
    store,
    clock,
    ids: new SequentialIds({ startNanos: BigInt(clock.now()) * 1_000_000n }),
    driver,
    engine: {
      clusterName: '10001',
      tickMs: 1000,
      executor: { kind: 'bcs', uri: 'file:///bcs-executor' },
      ...options.engine,
    },
    ...(options.commands === undefined ? {} : { commands: options.commands }),
  });
  const engine = scheduler.container.resolve(SchedulerEngine);
  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      await engine.idle();
    }
  };
  await settle();
  const bed: CommandBed = {
    clock,
    store,
    cluster,
    driver,
    scheduler,
    engine,
    settle,
    async advance(ms, stepMs = 100) {
      for (let t = 0; t < ms; t += stepMs) {
        clock.advance(Math.min(stepMs, ms - t));
        await settle();
      }
    },
    taskGroups(app = 'web', ns = 'test') {
      const state = engine.state.get(ns, app);
      return [...(state?.taskGroups.values() ?? [])].sort((a, b) => a.index - b.index);
    },
    async restart() {
      await scheduler.close();
      return start(clock, store, cluster, options);
    },
    async close() {
      await scheduler.close();
      await cluster.dispose();
      await store.dispose();
    },
  };
  return bed;
}

/** Creates application `test/<name>` with `instances` and waits until every taskgroup runs. */
export async function runningApp(bed: CommandBed, instances = 3, name = 'web'): Promise<TaskGroup[]> {
  await bed.scheduler.applications.create(
    'test',
    anApplication({ metadata: { name, namespace: 'test' }, spec: { instance: instances } }),
  );
  await bed.advance(3000);
  const taskGroups = bed.taskGroups(name);
  if (taskGroups.length !== instances || taskGroups.some((tg) => tg.status !== 'Running')) {
    throw new Error(`runningApp: ${taskGroups.map((tg) => tg.status).join(',')}`);
  }
  return taskGroups;
}

/** The API document's sendCommand body for `test/<name>` with `command`. */
export function commandBody(name = 'web', extra: Record<string, unknown> = {}, command = ['ps -aux']) {
  return {
    apiVersion: 'v4',
    kind: 'Command',
    spec: { commandTargetRef: { kind: 'Application', namespace: 'test', name }, command, ...extra },
  };
}
