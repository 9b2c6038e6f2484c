import type { MesosCall, MesosOffer, MesosResource, MesosTaskInfo } from '@bcs/core';

/** One task of {@link aLaunchGroupCall}. */
export interface LaunchTaskSpec {
  readonly id: string;
  /** Default 0.1. */
  readonly cpus?: number;
  /** MB, default 32. */
  readonly mem?: number;
  /** Host ports to take from the offer. */
  readonly ports?: readonly number[];
  /** Docker image name (selects a `SimulatedCluster` script). */
  readonly image?: string;
  /** Adds an HTTP health check. */
  readonly healthCheck?: boolean;
  /** `kill_policy.grace_period` in ms. */
  readonly killGraceMs?: number;
}

/** Options of {@link aLaunchGroupCall}. */
export interface LaunchGroupSpec {
  readonly frameworkId: string;
  readonly executorId: string;
  readonly tasks: readonly LaunchTaskSpec[];
  /** Executor resources, default cpus 0.1, mem 32, disk 10 (the minimum plus some disk). */
  readonly executorResources?: readonly MesosResource[];
  /** `filters.refuse_seconds` of the ACCEPT (default: none sent). */
  readonly refuseSeconds?: number;
}

/** A SCALAR resource. */
export function scalar(name: string, value: number): MesosResource {
  return { name, type: 'SCALAR', scalar: { value } };
}

/**
 * An ACCEPT of `offer` with one LAUNCH_GROUP (DEFAULT executor) in the shape of spec/mesos-v1.md §4, valid
 * for any offer with enough resources: each task runs `sleep 3600` on the offer's agent.
 */
export function aLaunchGroupCall(offer: MesosOffer, spec: LaunchGroupSpec): MesosCall {
  const tasks: MesosTaskInfo[] = spec.tasks.map((task) => aTaskInfo(offer, task));
  return {
    type: 'ACCEPT',
    accept: {
      offer_ids: [offer.id],
      operations: [
        {
          type: 'LAUNCH_GROUP',
          launch_group: {
            executor: {
              type: 'DEFAULT',
              executor_id: { value: spec.executorId },
              framework_id: { value: spec.frameworkId },
              resources: spec.executorResources ?? [
                scalar('cpus', 0.1),
                scalar('mem', 32),
                scalar('disk', 10),
              ],
            },
            task_group: { tasks },
          },
        },
      ],
      ...(spec.refuseSeconds === undefined ? {} : { filters: { refuse_seconds: spec.refuseSeconds } }),
    },
  };
}

function aTaskInfo(offer: MesosOffer, task: LaunchTaskSpec): MesosTaskInfo {
  const resources: MesosResource[] = [scalar('cpus', task.cpus ?? 0.1), scalar('mem', task.mem ?? 32)];
  if (task.ports !== undefined && task.ports.length > 0) {
    const range = task.ports.map((port) => ({ begin: port, end: port }));
    resources.push({ name: 'ports', type: 'RANGES', ranges: { range } });
  }
  return {
    name: task.id,
    task_id: { value: task.id },
    agent_id: offer.agent_id,
    resources,
    command: { value: 'sleep 3600' },
    ...(task.image === undefined
      ? {}
      : { container: { type: 'MESOS', mesos: { image: { type: 'DOCKER', docker: { name: task.image } } } } }),
    ...(task.healthCheck === true
      ? { health_check: { type: 'HTTP', http: { port: 8080, path: '/healthz' }, grace_period_seconds: 30 } }
      : {}),
    ...(task.killGraceMs === undefined
      ? {}
      : { kill_policy: { grace_period: { nanoseconds: task.killGraceMs * 1e6 } } }),
  };
}

/** The scalar `name` of `offer` (0 when absent). */
export function offeredScalar(offer: MesosOffer, name: string): number {
  return offer.resources
    .filter((r) => r.name === name && r.type === 'SCALAR')
    .reduce((sum, r) => sum + (r.scalar?.value ?? 0), 0);
}
