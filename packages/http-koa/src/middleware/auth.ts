import {
  type Authenticate,
  authenticateToken,
  CustomResourceService,
  forbidden,
  namespaceAllowed,
  type Principal,
  parseTaskGroupId,
  presentedToken,
  type Role,
  roleAllows,
} from '@bcs/core';
import type { Context, Middleware } from 'koa';
import type { DependencyContainer } from 'tsyringe';
import { V4_PREFIXES } from '../routes/index.js';

/** The `auth` option of `createHttpApp`: how tokens are checked. Absent: no authentication. */
export interface HttpAuthOptions {
  /** Turns a presented token into its principal (`undefined`: unknown token → 401). */
  readonly authenticate: Authenticate;
}

/**
 * What a request touches, read from its method and path before any route runs:
 * - `public`: served without a token (`GET /ui/*`, the OpenAPI document);
 * - `namespaced`: one namespace's resources (`undefined` when the path names one the scheduler cannot read,
 *   such as a malformed taskgroup id: no namespaced token may use it);
 * - `all-namespaces`: a list across namespaces, filtered to a namespaced token's namespaces (writes there take
 *   the namespace from the body, which a namespaced token may not use: 403);
 * - `cluster`: cluster-scoped (agent settings, CRDs, `/cluster/*`, `/metrics`, unknown paths): no namespaced
 *   token;
 * - `custom-resource`: decided once the path is resolved against the CRDs.
 *
 * `write` is the role needed for a method other than GET, HEAD and OPTIONS (those need `read`).
 */
export type Access =
  | { readonly kind: 'public' }
  | { readonly kind: 'namespaced'; readonly namespace: string | undefined; readonly write: Role }
  | { readonly kind: 'all-namespaces'; readonly write: Role }
  | { readonly kind: 'cluster'; readonly write: Role }
  | {
      readonly kind: 'custom-resource';
      readonly group: string;
      readonly version: string;
      readonly segments: readonly string[];
    };

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const PUBLIC_DOCUMENTS = new Set(['/v4/openapi.json', '/bcsapi/v4/openapi.json']);

/**
 * Classifies a request (see {@link Access}). The path is matched as the routers match it: literal segments
 * case-insensitively, parameters percent-decoded, a trailing slash ignored. Examples:
 * `GET /v4/scheduler/mesos/namespaces/ns1/applications` → namespaced `ns1`, write role `write`;
 * `POST …/namespaces/ns1/admissionwebhook` → namespaced `ns1`, write role `admin`;
 * `GET …/admissionwebhooks` → all-namespaces; `POST …/agentsettings` → cluster, `admin`;
 * `GET /ui/app.js` → public; `GET /metrics` → cluster.
 */
export function classifyRequest(method: string, path: string): Access {
  const readMethod = READ_METHODS.has(method);
  if (readMethod && (path === '/ui' || path.startsWith('/ui/') || PUBLIC_DOCUMENTS.has(path))) {
    return { kind: 'public' };
  }
  const lower = path.toLowerCase();
  const prefix = V4_PREFIXES.find((p) => lower.startsWith(`${p.toLowerCase()}/`));
  if (prefix === undefined) return { kind: 'cluster', write: 'admin' };
  const raw = path.slice(prefix.length + 1).split('/');
  if (raw.at(-1) === '') raw.pop();
  const segments = raw.map(decodeSegment);
  const words = segments.map((s) => s.toLowerCase());
  const [first, second, third] = words;
  const ns = (index: number, write: Role = 'write'): Access => ({
    kind: 'namespaced',
    namespace: segments[index],
    write,
  });
  if (first === 'namespaces' && segments.length >= 3) {
    return ns(1, third === 'admissionwebhook' ? 'admin' : 'write');
  }
  if (first === 'crd' && second === 'namespaces' && segments.length >= 4) return ns(2, 'admin');
  if (first === 'definition' && segments.length >= 4) return ns(2);
  if (first === 'command' && segments.length >= 4) return ns(2);
  if (first === 'image' && second === 'commit' && segments.length === 3) {
    return { kind: 'namespaced', namespace: parseTaskGroupId(segments[2]!)?.namespace, write: 'write' };
  }
  if (segments.length === 1 && first === 'admissionwebhooks')
    return { kind: 'all-namespaces', write: 'admin' };
  if (segments.length === 2 && first === 'crd' && second === 'admissionwebhooks') {
    return { kind: 'all-namespaces', write: 'admin' };
  }
  if (first === 'customresources' && segments.length >= 4) {
    return {
      kind: 'custom-resource',
      group: segments[1]!,
      version: segments[2]!,
      segments: segments.slice(3),
    };
  }
  return { kind: 'cluster', write: 'admin' };
}

/**
 * Koa middleware authenticating and authorising every request (issue 15 §3; README "Authentication and
 * TLS"). The token comes from `Authorization: Bearer <token>`, else the `access_token` query parameter. No or
 * an unknown token: 401 (code 1405401, with `WWW-Authenticate: Bearer`); a role or namespace the token lacks:
 * 403 (code 1405403). The principal is left in `ctx.state.principal` (the request log names it). Lists across
 * namespaces answered to a namespaced token keep only the items of its namespaces.
 */
export function requireToken(options: HttpAuthOptions, container: DependencyContainer): Middleware {
  if (typeof options?.authenticate !== 'function') {
    throw new TypeError('createHttpApp: options.auth.authenticate must be a function');
  }
  return async (ctx, next) => {
    let access = classifyRequest(ctx.method, ctx.path);
    if (access.kind === 'public') return next();
    let principal: Principal;
    try {
      const token = presentedToken(
        ctx.get('Authorization') || undefined,
        new URLSearchParams(ctx.querystring),
      );
      principal = authenticateToken(options.authenticate, token);
    } catch (error) {
      ctx.set('WWW-Authenticate', 'Bearer realm="bcs-scheduler"');
      throw error;
    }
    ctx.state.principal = principal;
    if (access.kind === 'custom-resource') access = await resolveCustomResource(access, container);
    authorize(principal, ctx.method, access);
    await next();
    if (access.kind === 'all-namespaces' && principal.namespaces !== undefined) {
      keepNamespaces(ctx, principal.namespaces);
    }
  };
}

/** Throws 403 unless `principal` may make a `method` request of `access`. */
function authorize(
  principal: Principal,
  method: string,
  access: Exclude<Access, { kind: 'public' | 'custom-resource' }>,
): void {
  const read = READ_METHODS.has(method);
  const needed: Role = read ? 'read' : access.write;
  if (!roleAllows(principal.role, needed)) {
    throw forbidden(principal, `${method} here: it needs role ${needed}, the token has ${principal.role}`);
  }
  if (principal.namespaces === undefined) return;
  if (access.kind === 'namespaced') {
    if (access.namespace === undefined || !namespaceAllowed(principal, access.namespace)) {
      const named =
        access.namespace === undefined ? 'this resource' : `namespace ${JSON.stringify(access.namespace)}`;
      throw forbidden(
        principal,
        `touch ${named}: it is limited to ${principal.namespaces.join(', ') || 'no namespace'}`,
      );
    }
  } else if (access.kind === 'cluster') {
    throw forbidden(principal, 'use cluster-scoped resources: it is limited to namespaces');
  } else if (!read) {
    throw forbidden(principal, `${method} without a namespace in the URL: it is limited to namespaces`);
  }
}

/**
 * A custom resource path, resolved against the CRDs: its namespace (write role `write`), a cluster-scoped
 * resource (`admin`), or a list across namespaces. A path that does not resolve throws the error the route
 * would answer (404, 400), so nothing is reached unchecked.
 */
async function resolveCustomResource(
  access: Extract<Access, { kind: 'custom-resource' }>,
  container: DependencyContainer,
): Promise<Exclude<Access, { kind: 'public' | 'custom-resource' }>> {
  const ref = await container
    .resolve(CustomResourceService)
    .resolve(access.group, access.version, access.segments);
  if (ref.scope === 'Cluster') return { kind: 'cluster', write: 'admin' };
  if (ref.namespace === undefined) return { kind: 'all-namespaces', write: 'write' };
  return { kind: 'namespaced', namespace: ref.namespace, write: 'write' };
}

/** Drops the items of other namespaces from a list envelope (`metadata.namespace`, else `namespace`). */
function keepNamespaces(ctx: Context, namespaces: readonly string[]): void {
  const body = ctx.body as { result?: unknown; data?: unknown } | null | undefined;
  if (body === null || typeof body !== 'object' || body.result !== true || !Array.isArray(body.data)) return;
  ctx.body = {
    ...body,
    data: body.data.filter((item: unknown) => {
      const of = item as { metadata?: { namespace?: unknown }; namespace?: unknown } | null;
      const ns = of?.metadata?.namespace ?? of?.namespace;
      return typeof ns === 'string' && namespaces.includes(ns);
    }),
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
