import type { MesosFrameworkInfo } from '@bcs/core';
import type { SimFramework } from './model.js';

/**
 * The framework record for `info` registered as `id`: capabilities decide TASK_KILLING updates
 * (`TASK_KILLING_STATE`), partition-aware states (`PARTITION_AWARE`: TASK_DROPPED, TASK_GONE, TASK_UNKNOWN
 * instead of TASK_LOST) and `allocation_info` on offers (`MULTI_ROLE`, allocated to the first role or `*`).
 * A new subscription is never suppressed.
 */
export function frameworkFrom(id: string, info: MesosFrameworkInfo): SimFramework {
  const capabilities = new Set((info.capabilities ?? []).map((c) => c?.type));
  return {
    id,
    info: { ...info, id: { value: id } },
    killingState: capabilities.has('TASK_KILLING_STATE'),
    partitionAware: capabilities.has('PARTITION_AWARE'),
    allocationRole: capabilities.has('MULTI_ROLE') ? (info.roles?.[0] ?? '*') : undefined,
    suppressed: false,
  };
}

/** Mesos' fixed heartbeat interval (spec/mesos-v1.md §5). */
export const HEARTBEAT_MS = 15_000;

/** The body of SUBSCRIBED, with a `master_info` like a real master's (spec/mesos-v1.md §5). */
export function subscribedBody(masterId: string, frameworkId: string) {
  return {
    framework_id: { value: frameworkId },
    heartbeat_interval_seconds: HEARTBEAT_MS / 1000,
    master_info: {
      id: masterId,
      ip: 16777343,
      port: 5050,
      pid: 'master@127.0.0.1:5050',
      hostname: 'sim-master',
      version: '1.11.0',
      address: { hostname: 'sim-master', ip: '127.0.0.1', port: 5050 },
    },
  };
}
