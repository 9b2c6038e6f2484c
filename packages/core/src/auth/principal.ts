import { BcsError, ErrorCode } from '../errors.js';

/**
 * What a token may do, each role including the one before it: `read` (GET and HEAD, the event stream), `write`
 * (besides: create, update, delete, scale, roll out and send commands to namespaced resources), `admin`
 * (everything: agent settings, admission webhooks, custom resource definitions, cluster-scoped writes).
 */
export type Role = 'read' | 'write' | 'admin';

/** The roles, weakest first. */
export const ROLES: readonly Role[] = ['read', 'write', 'admin'];

/** Who a request acts as, once its token is known. */
export interface Principal {
  /** The token's name in the tokens file (logged with each request; never the token). */
  readonly name: string;
  readonly role: Role;
  /** The only namespaces it may touch; absent: every namespace and the cluster-scoped resources. */
  readonly namespaces?: readonly string[];
}

/**
 * Turns a presented token into its principal, or `undefined` for an unknown one. Implementations keep hashes
 * only and compare in constant time (`@bcs/server`'s token table).
 */
export type Authenticate = (token: string) => Principal | undefined;

/** The query parameter browsers and WebSocket clients may carry the token in (RFC 6750 §2.3). */
export const ACCESS_TOKEN_PARAMETER = 'access_token';

/** Whether `role` includes `needed`: `roleAllows('admin', 'write')` ✓, `roleAllows('read', 'write')` ✗. */
export function roleAllows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** Whether `principal` may touch namespace `ns`: a token without namespaces may touch all. */
export function namespaceAllowed(principal: Principal, ns: string): boolean {
  return principal.namespaces === undefined || principal.namespaces.includes(ns);
}

/**
 * The token a request presents: `Authorization: Bearer <token>` (scheme case-insensitive), else the
 * `access_token` query parameter; `undefined` when neither is there (or either is empty). Another
 * `Authorization` scheme (`Basic …`) counts as no token.
 */
export function presentedToken(
  authorization: string | undefined,
  query: { get(name: string): string | null },
): string | undefined {
  if (authorization !== undefined) {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    if (match !== null) return match[1];
  }
  const fromQuery = query.get(ACCESS_TOKEN_PARAMETER);
  return fromQuery === null || fromQuery === '' ? undefined : fromQuery;
}

/**
 * Authenticates a request's token: its principal, else `Unauthorized` (401, code 1405401) saying whether the
 * token was missing or unknown (the token itself is never in the message).
 */
export function authenticateToken(authenticate: Authenticate, token: string | undefined): Principal {
  if (token === undefined) {
    throw new BcsError(
      ErrorCode.Unauthorized,
      `authentication required: send http header Authorization: Bearer <token> (or query parameter ${ACCESS_TOKEN_PARAMETER})`,
    );
  }
  const principal = authenticate(token);
  if (principal === undefined) throw new BcsError(ErrorCode.Unauthorized, 'the token is not valid');
  return principal;
}

/** `Forbidden` (403, code 1405403) naming the token and what it lacks. */
export function forbidden(principal: Principal, what: string): BcsError {
  return new BcsError(ErrorCode.Forbidden, `token ${JSON.stringify(principal.name)} may not ${what}`);
}

/**
 * A request target with the `access_token` query parameter's value replaced by `REDACTED`, for logs:
 * `/events?access_token=s3cret&since=4` → `/events?access_token=REDACTED&since=4` (also when the name is
 * percent-encoded, as `URLSearchParams` would read it). Other parameters are kept as they are.
 */
export function redactAccessToken(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return url;
  const parts = url
    .slice(queryStart + 1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      const name = eq === -1 ? part : part.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // A malformed escape: compare the raw name.
      }
      return decoded === ACCESS_TOKEN_PARAMETER ? `${name}=REDACTED` : part;
    });
  return `${url.slice(0, queryStart)}?${parts.join('&')}`;
}
