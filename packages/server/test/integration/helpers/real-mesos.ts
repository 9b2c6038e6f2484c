import { anApplication } from '@bcs/testing/builders';
import type { MesosSimProcess } from './mesos-sim-process.js';
import type { ServerProcess } from './server-process.js';

// Shared by the real-mesos*.test.ts files: `bcs-scheduler --mesos-master` against `bcs-mesos-sim`, two real
// processes on loopback. What the master saw is read from the simulator's call log (GET /admin/calls).

export const NS = 'defaultGroup';
export const APPS = `/namespaces/${NS}/applications`;

/** The document's application with `instances` small taskgroups (0.25 cpus, 64 MB: 15 fit on an agent). */
export function smallApp(instances: number, name = 'app-test') {
  const body = anApplication({
    appname: name,
    metadata: { name, labels: { podname: name } },
    spec: { instance: instances },
  }) as unknown as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
  body.spec.template.spec.containers[0]!.resources = { limits: { cpu: '0.25', memory: '64' } };
  return body;
}

/** A scheduler call as the simulator logged it (the fields these tests read). */
export interface LoggedCall {
  type: string;
  framework_id?: { value: string };
  subscribe?: { framework_info: { id?: { value: string } } };
  accept?: {
    operations?: {
      type: string;
      launch_group?: { task_group: { tasks: { task_id: { value: string } }[] } };
    }[];
  };
  acknowledge?: { task_id: { value: string }; uuid: string };
  reconcile?: { tasks?: { task_id: { value: string } }[] };
}

/** The simulator's call log, in the order received. */
export function callLog(sim: MesosSimProcess): Promise<LoggedCall[]> {
  return sim.admin<LoggedCall[]>('/admin/calls');
}

/** Every task id of every LAUNCH_GROUP in `calls`, once per launch (a relaunched id appears twice). */
export function launchedTaskIds(calls: readonly LoggedCall[]): string[] {
  return calls.flatMap((call) =>
    call.type !== 'ACCEPT'
      ? []
      : (call.accept?.operations ?? []).flatMap((op) =>
          op.type === 'LAUNCH_GROUP' ? op.launch_group!.task_group.tasks.map((t) => t.task_id.value) : [],
        ),
  );
}

/** The values of `items` that occur more than once. */
export function repeated(items: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const item of items) (seen.has(item) ? twice : seen).add(item);
  return [...twice];
}

/** ACKNOWLEDGE calls counted per `task id|uuid`. */
export function acknowledgements(calls: readonly LoggedCall[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of calls) {
    if (call.type !== 'ACKNOWLEDGE') continue;
    const key = `${call.acknowledge!.task_id.value}|${call.acknowledge!.uuid}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** The SUBSCRIBE calls in `calls`. */
export function subscribes(calls: readonly LoggedCall[]): LoggedCall[] {
  return calls.filter((call) => call.type === 'SUBSCRIBE');
}

/** Task ids named by explicit RECONCILE calls in `calls`. */
export function reconciledTaskIds(calls: readonly LoggedCall[]): Set<string> {
  return new Set(
    calls.flatMap((call) =>
      call.type === 'RECONCILE' ? (call.reconcile?.tasks ?? []).map((t) => t.task_id.value) : [],
    ),
  );
}

/** Whether `calls` has an implicit RECONCILE (no tasks): the engine sends it once every task has answered. */
export function hasImplicitReconcile(calls: readonly LoggedCall[]): boolean {
  return calls.some((call) => call.type === 'RECONCILE' && (call.reconcile?.tasks ?? []).length === 0);
}

/** A task as `GET /admin/tasks` lists it. */
export interface SimTask {
  taskId: string;
  executorId: string;
  agentId: string;
  state: string;
  unacked: { state: string; uuid?: string; task_id: { value: string } }[];
}

/** A taskgroup as `GET …/taskgroups` lists it (the fields read here). */
export interface TaskGroupView {
  ID: string;
  Status: string;
  Taskgroup: { ID: string; Status: string }[];
}

/** The taskgroups of application `name`. */
export async function taskGroups(server: ServerProcess, name = 'app-test'): Promise<TaskGroupView[]> {
  const res = await server.call('GET', `${APPS}/${name}/taskgroups`);
  if (res.status !== 200) throw new Error(`taskgroups answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.data as TaskGroupView[];
}

/** How many of `groups` are in `status`. */
export function countStatus(groups: readonly TaskGroupView[], status: string): number {
  return groups.filter((tg) => tg.Status === status).length;
}

/** The `mesos` entry of `GET cluster/endpoints`: the scheduler's link to the master. */
export interface MesosLink {
  master: string;
  state: 'connecting' | 'subscribed' | 'reconnecting' | 'removed' | 'closed';
  since: number;
  frameworkId?: string;
  lastError?: string;
  reason?: string;
}

export async function mesosLink(server: ServerProcess): Promise<MesosLink> {
  const res = await server.call('GET', '/cluster/endpoints');
  return res.body.data.mesos as MesosLink;
}

/** The scheduler's pino lines (JSON objects) printed since its last start. */
export function logLines(server: ServerProcess): Record<string, unknown>[] {
  return server.log.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}
