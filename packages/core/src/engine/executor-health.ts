import type { MesosTaskStatus, MessageBody } from '../ports/mesos-driver.js';

/** `TASK_STATUS_UPDATE`: the BCS executor's per-task report (spec/bcs-behaviour.md §8.1). */
const TASK_STATUS_UPDATE = 14;

/** The largest MESSAGE `data` read (base64 characters): a container report is a few KiB. */
const MAX_DATA = 256 * 1024;

/**
 * A BCS executor's TASK_STATUS_UPDATE MESSAGE (type 14) as the status update it stands for, or `undefined`
 * when the message is another type, cannot be decoded, or reports a task not `running` (the original honours
 * only `running`, `SCHED/scheduler/update.go` `UpdateTaskStatus`). Pure. The engine's MESSAGE hook calls it
 * and feeds the result to the status-update path; command replies (type 13) are handled elsewhere.
 *
 * Wire (/work/briefs/s5-executor-wire.md §1, §3.2): `data` = base64(JSON BcsMessage); its `TaskID.value` is
 * the task; its `TaskStatus` = base64(JSON container info) with `Status`, `Healthy` (omitted when false),
 * `IsChecked` (omitted when false) and `ConsecutiveFailureTimes`. Keys are Go field names, matched
 * case-insensitively as Go decodes them. Health: `IsChecked` → `healthy = Healthy`; not checked but `Healthy`
 * → healthy; neither → no health (the check has not run: unknown, not the original's quirk of reading
 * "absent" as unhealthy). No `uuid`: nothing to acknowledge.
 *
 * Example: `{"Type":14,"TaskID":{"value":"t1"},"TaskStatus":base64({"Status":"running","IsChecked":true})}` →
 * `{ task_id {value 't1'}, state TASK_RUNNING, healthy false, source SOURCE_EXECUTOR, … }`.
 */
export function statusOfExecutorMessage(
  message: MessageBody,
): (MesosTaskStatus & { readonly consecutiveFailures?: number }) | undefined {
  if (typeof message.data !== 'string' || message.data.length > MAX_DATA) return undefined;
  const outer = field(parseBase64Json(message.data), 'Type', 'TaskID', 'TaskStatus');
  if (outer === undefined || outer.Type !== TASK_STATUS_UPDATE) return undefined;
  const taskId = field(outer.TaskID, 'value')?.value;
  if (typeof taskId !== 'string' || taskId === '' || typeof outer.TaskStatus !== 'string') return undefined;
  const info = field(
    parseBase64Json(outer.TaskStatus),
    'Status',
    'Healthy',
    'IsChecked',
    'ConsecutiveFailureTimes',
  );
  if (info === undefined || typeof info.Status !== 'string' || info.Status.toLowerCase() !== 'running') {
    return undefined;
  }
  const healthy = info.IsChecked === true ? info.Healthy === true : info.Healthy === true ? true : undefined;
  const failures = info.ConsecutiveFailureTimes;
  return {
    task_id: { value: taskId },
    state: 'TASK_RUNNING',
    source: 'SOURCE_EXECUTOR',
    agent_id: message.agent_id,
    executor_id: message.executor_id,
    ...(healthy === undefined ? {} : { healthy }),
    ...(typeof failures === 'number' && Number.isInteger(failures) && failures >= 0
      ? { consecutiveFailures: failures }
      : {}),
  };
}

function parseBase64Json(data: string): unknown {
  try {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

/** The named keys of a JSON object, matched case-insensitively (exact match first), as Go decodes them. */
function field<K extends string>(value: unknown, ...names: K[]): Partial<Record<K, unknown>> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const out: Partial<Record<K, unknown>> = {};
  for (const name of names) {
    if (Object.hasOwn(record, name)) {
      out[name] = record[name];
      continue;
    }
    const lower = name.toLowerCase();
    const key = Object.keys(record).find((k) => k.toLowerCase() === lower);
    if (key !== undefined) out[name] = record[key];
  }
  return out;
}
