import {
  type Application,
  parseApplication,
  type Task,
  type TaskGroup,
  taskGroupId,
  taskId,
  taskName,
  toVersion,
  type Version,
} from '@bcs/core';
import { anApplication } from '@bcs/testing/builders';

/** 2026-11-24T06:04:00.750Z: a time with milliseconds, so seconds-not-ms is visible. */
export const T0 = Date.UTC(2026, 10, 24, 6, 4, 0) + 750;
/** {@link T0} in Unix seconds. */
export const T0_SECONDS = Math.floor(Date.UTC(2026, 10, 24, 6, 4, 0) / 1000);
export const NANOS = '1527839061316356269';

/** The document's createApplication example as a version. */
export function aVersion(): Version {
  const body = anApplication();
  return toVersion(parseApplication(body, 'defaultGroup'), { id: NANOS, now: T0, raw: body });
}

export function anApp(overrides: Overrides<Application> = {}): Application {
  return merge<Application>(
    {
      id: 'app-test',
      namespace: 'defaultGroup',
      kind: 'application',
      status: 'Running',
      message: 'application is running',
      desiredInstances: 2,
      versionId: NANOS,
      createdAt: T0,
      updatedAt: T0 + 60_000,
    },
    overrides,
  );
}

/** Field overrides; `undefined` removes an optional field. */
export type Overrides<T> = { [K in keyof T]?: T[K] | undefined };

function merge<T extends object>(base: T, overrides: Overrides<T>): T {
  const out: Record<string, unknown> = { ...base, ...overrides };
  for (const [key, value] of Object.entries(out)) if (value === undefined) delete out[key];
  return out as T;
}

const IDS = { appId: 'app-test', namespace: 'defaultGroup', cluster: '10001', nanos: NANOS };

export function aTask(overrides: Overrides<Task> = {}): Task {
  const id = taskId({ ...IDS, index: 0, containerIndex: 0 });
  return merge<Task>(
    {
      id,
      name: taskName(NANOS, id),
      containerIndex: 0,
      image: 'dockerhub:8443/bcs/game/gamesvr:v1.1.1',
      status: 'Running',
      lastStatus: 'Starting',
      message: 'container running',
      portMappings: [{ name: 'test-port', containerPort: 9999, hostPort: 31000, protocol: 'HTTP' }],
      updatedAt: T0 + 1_249, // 06:04:01.999: floors to …01
    },
    overrides,
  );
}

export function aTaskGroup(overrides: Overrides<TaskGroup> = {}): TaskGroup {
  return merge<TaskGroup>(
    {
      id: taskGroupId({ ...IDS, index: 0 }),
      name: 'app-test-0',
      appId: 'app-test',
      namespace: 'defaultGroup',
      index: 0,
      versionId: NANOS,
      status: 'Running',
      lastStatus: 'Starting',
      message: 'running',
      tasks: [aTask()],
      agentId: 'agent-1',
      hostname: 'host-1',
      agentIp: '10.0.0.1',
      attributes: { InnerIP: '10.0.0.1', cpus: 8 },
      resources: { cpus: 2, mem: 100, disk: 0 },
      createdAt: T0,
      updatedAt: T0 + 2_000,
      startedAt: T0 + 1_000,
      restarts: 1,
      lastRestartAt: T0 - 5_000,
    },
    overrides,
  );
}
