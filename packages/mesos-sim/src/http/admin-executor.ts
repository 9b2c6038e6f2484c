import { checkExecutorProgram, type ExecutorProgram } from '../executor.js';
import type { SimulatedCluster } from '../simulated-cluster.js';

/** The largest `POST /admin/executor` body read (bytes). */
export const EXECUTOR_ADMIN_MAX_BODY = 64 * 1024;

/** An admin answer: status and JSON body. */
export interface AdminAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * `POST /admin/executor` with `{target, program}` (`program` absent or `null` clears) and
 * `GET /admin/executor/messages`; `undefined` for any other method and path. `readBody` reads at most
 * {@link EXECUTOR_ADMIN_MAX_BODY} bytes and rejects beyond. Bad input answers 400 `{error: "<field>: <rule>"}`,
 * like the other admin endpoints, and changes nothing.
 */
export async function executorAdmin(
  cluster: SimulatedCluster,
  method: string,
  path: string,
  readBody: () => Promise<Buffer>,
): Promise<AdminAnswer | undefined> {
  if (method === 'GET' && path === '/admin/executor/messages')
    return { status: 200, body: cluster.executorMessages() };
  if (method !== 'POST' || path !== '/admin/executor') return undefined;
  let body: unknown;
  try {
    body = JSON.parse((await readBody()).toString('utf8'));
  } catch {
    return bad(`body: expecting JSON {target, program} of at most ${EXECUTOR_ADMIN_MAX_BODY} bytes`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return bad('body: expecting a JSON object {target, program}');
  const { target, program } = body as { target?: unknown; program?: unknown };
  if (typeof target !== 'string' || target === '') return bad('target: expecting a non-empty string');
  if (program !== undefined && program !== null) {
    const problem = checkExecutorProgram(program);
    if (problem !== undefined) return bad(problem);
  }
  cluster.programExecutor(target, (program ?? undefined) as ExecutorProgram | undefined);
  return { status: 200, body: { ok: true } };
}

function bad(error: string): AdminAnswer {
  return { status: 400, body: { error } };
}
