import type { OutboundHttpRequest, OutboundTcpRequest } from '../ports/outbound.js';
import type { Task, TaskGroup } from '../resources/taskgroup.js';
import type { HealthCheckDefinition } from '../validation/pod-template.js';

/** The remote check types the scheduler runs itself (spec/bcs-behaviour.md §7: the original's bcs-health did). */
export type RemoteCheckType = 'REMOTE_HTTP' | 'REMOTE_TCP';

/** The largest answer body a remote HTTP check reads: a health page, not a download. */
export const REMOTE_CHECK_MAX_RESPONSE_BYTES = 64 * 1024;

/** The longest a remote check waits, whatever its `timeoutSeconds` (the Outbound port's own bound). */
const MAX_TIMEOUT_MS = 60_000;

/** What one remote check calls: an HTTP request or a TCP connect, or why it cannot be built. */
export type RemoteCheckCall =
  | { readonly kind: 'http'; readonly request: OutboundHttpRequest; readonly target: string }
  | { readonly kind: 'tcp'; readonly request: OutboundTcpRequest; readonly target: string }
  | { readonly kind: 'invalid'; readonly problem: string };

/**
 * The call a remote check of `task` makes (pure), against the taskgroup's host: the agent's InnerIP, else its
 * hostname. The port is the check's `port` when > 0, else the port named `portName` in the task's mappings as
 * launched: its host port, or its container port when no host port was bound (HOST network). HTTP: `scheme`
 * (`http` unless `https`, case-insensitive), `path` (default `/`), the check's `headers`, GET; timeout
 * `timeoutSeconds` (at most 60 s).
 *
 * Examples: REMOTE_TCP portName `http`, mapping http 80→31000 on 127.0.0.2 → tcp 127.0.0.2:31000;
 * REMOTE_HTTP port 8080 path `/hc` → GET http://127.0.0.2:8080/hc; portName `nope` → invalid.
 */
export function remoteCheckCall(
  check: HealthCheckDefinition,
  taskGroup: Pick<TaskGroup, 'agentIp' | 'hostname'>,
  task: Pick<Task, 'portMappings'>,
): RemoteCheckCall {
  const host = taskGroup.agentIp ?? taskGroup.hostname;
  if (host === undefined || host === '') return { kind: 'invalid', problem: 'the taskgroup has no host yet' };
  const spec = check.type === 'REMOTE_HTTP' ? check.http : check.tcp;
  const port = portOf(spec, task);
  if (port === undefined) {
    return { kind: 'invalid', problem: `no port: ${spec?.portName ?? 'port'} is not a port of the task` };
  }
  const timeoutMs = Math.min(Math.max(1, (check.timeoutSeconds ?? 20) * 1000), MAX_TIMEOUT_MS);
  const hostPart = host.includes(':') ? `[${host}]` : host;
  if (check.type === 'REMOTE_TCP') {
    return { kind: 'tcp', request: { host, port, timeoutMs }, target: `${hostPart}:${port}` };
  }
  const scheme = check.http?.scheme?.toLowerCase() === 'https' ? 'https' : 'http';
  const rawPath = check.http?.path ?? '';
  const path = rawPath === '' ? '/' : rawPath.startsWith('/') ? rawPath : `/${rawPath}`;
  const url = `${scheme}://${hostPart}:${port}${path}`;
  return {
    kind: 'http',
    request: {
      url,
      method: 'GET',
      headers: { ...check.http?.headers },
      timeoutMs,
      maxResponseBytes: REMOTE_CHECK_MAX_RESPONSE_BYTES,
    },
    target: `${hostPart}:${port}`,
  };
}

function portOf(
  spec: { readonly port?: number; readonly portName?: string } | undefined,
  task: Pick<Task, 'portMappings'>,
): number | undefined {
  if (spec?.port !== undefined && spec.port > 0) return spec.port;
  const mapping = task.portMappings.find((m) => spec?.portName !== undefined && m.name === spec.portName);
  if (mapping === undefined) return undefined;
  const port = mapping.hostPort > 0 ? mapping.hostPort : mapping.containerPort;
  return port > 0 ? port : undefined;
}

/** Whether an HTTP status passes a check: 200 to 399, as Mesos and Marathon judge HTTP checks. */
export function isPassingStatus(status: number): boolean {
  return status >= 200 && status < 400;
}
