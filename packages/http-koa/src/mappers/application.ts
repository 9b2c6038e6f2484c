import type { Application, TaskGroup, Version } from '@bcs/core';
import { parseTaskGroupId, runningCount, UNNAMED_CLUSTER } from '@bcs/core';
import { type BcsObjectMeta, toBcsObjectMeta, unixSeconds } from './common.js';

/** An application as the original answered it: Go's `types.Application` (spec/bcs-behaviour.md §1.3). */
export interface BcsApplication {
  readonly Kind: string;
  readonly ID: string;
  readonly Name: string;
  readonly ObjectMeta: BcsObjectMeta;
  /** Desired instances. */
  readonly DefineInstances: number;
  /** Taskgroups that exist (placed or pending). */
  readonly Instances: number;
  readonly RunningInstances: number;
  readonly RunAs: string;
  /** The Mesos cluster name. */
  readonly ClusterId: string;
  readonly Status: string;
  /** `RollingUpdateDown`, `RollingUpdateUp`, else `Unknown`. */
  readonly SubStatus: string;
  readonly LastStatus: string;
  /** Unix seconds. */
  readonly Created: number;
  /** Unix seconds. */
  readonly UpdateTime: number;
  readonly Mode: string;
  /** Unix seconds. */
  readonly LastUpdateTime: number;
  readonly Message: string;
  /** One entry per taskgroup (`commtypes.BcsPodIndex`, JSON-tagged `name`): its id. */
  readonly Pods: readonly { readonly name: string }[];
}

/** Options of {@link toBcsApplication}. */
export interface BcsApplicationOptions {
  /** `ClusterId`. Default: the cluster part of a taskgroup id, else `Unnamed`. */
  readonly clusterId?: string | undefined;
}

/**
 * `app` with its taskgroups (and current version, for the labels) in the original's shape. Times are Unix
 * seconds; `Instances` counts the taskgroups, `RunningInstances` the Running ones (`runningCount`).
 *
 * Example: an application created at 2026-11-24T06:04:00.500Z → `Created: 1795500240`.
 */
export function toBcsApplication(
  app: Application,
  taskGroups: readonly TaskGroup[],
  version?: Version,
  options: BcsApplicationOptions = {},
): BcsApplication {
  return {
    Kind: app.kind,
    ID: app.id,
    Name: app.id,
    ObjectMeta: toBcsObjectMeta(app.id, app.namespace, app.createdAt, version),
    DefineInstances: app.desiredInstances,
    Instances: taskGroups.length,
    RunningInstances: runningCount(taskGroups),
    RunAs: app.namespace,
    ClusterId: options.clusterId ?? clusterOf(taskGroups),
    Status: app.status,
    SubStatus: app.subStatus ?? 'Unknown',
    LastStatus: app.lastStatus ?? '',
    Created: unixSeconds(app.createdAt),
    UpdateTime: unixSeconds(app.updatedAt),
    Mode: '',
    LastUpdateTime: unixSeconds(app.updatedAt),
    Message: app.message,
    Pods: taskGroups.map((tg) => ({ name: tg.id })),
  };
}

function clusterOf(taskGroups: readonly TaskGroup[]): string {
  for (const tg of taskGroups) {
    const cluster = parseTaskGroupId(tg.id)?.cluster;
    if (cluster !== undefined) return cluster;
  }
  return UNNAMED_CLUSTER;
}
