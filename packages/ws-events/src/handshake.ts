import type { IncomingHttpHeaders } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  type Authenticate,
  authenticateToken,
  ErrorCode,
  forbidden as forbiddenTo,
  httpStatusOf,
  isBcsError,
  type Principal,
  parseSubscribeOptions,
  presentedToken,
  type SubscribeOptions,
} from '@bcs/core';

/** The header every v4 request carries (spec/api-v4.md "header"), as in http-koa. */
export const CLUSTER_HEADER = 'BCS-ClusterID';
/** The query parameter browsers use instead, since a browser's `WebSocket` cannot set headers. */
export const CLUSTER_QUERY_PARAMETER = 'clusterId';

/** The filter and start position a handshake asked for. */
export type RequestedSubscription = Omit<SubscribeOptions, 'signal' | 'maxBatch'>;

/** What to answer an upgrade request with, before any WebSocket exists. */
export type HandshakeVerdict =
  /** Not one of our paths and not exclusive: leave the request to other `upgrade` listeners. */
  | { readonly kind: 'ignore' }
  /** Refuse with a plain HTTP response carrying the v4 envelope. */
  | { readonly kind: 'refuse'; readonly status: number; readonly code: number; readonly message: string }
  /** Upgrade, then subscribe with these options. */
  | {
      readonly kind: 'accept';
      readonly subscription: RequestedSubscription;
      /** Who subscribed, with authentication on. */
      readonly principal?: Principal;
    };

/** What {@link checkHandshake} needs from the stream's options. */
export interface HandshakeRules {
  readonly paths: readonly string[];
  readonly clusterId: string;
  readonly exclusive: boolean;
  /** Browser origins accepted besides the server's own (`https://console.example`); `*` accepts any. */
  readonly allowedOrigins?: readonly string[];
  /** Whether the `Host` header may be served (DNS-rebinding defence). Default: any. */
  readonly checkHost?: (host: string | undefined) => boolean;
  /** Bearer-token authentication (any role may subscribe). Default: none. */
  readonly authenticate?: Authenticate;
}

/**
 * Decides an upgrade request, in order: the path (query string ignored), the `Host` (`rules.checkHost`), the
 * `Origin` ({@link originAllowed}; both refused with HTTP 403, code 1405234 `FilterFailed`), with
 * `rules.authenticate` the token (`Authorization: Bearer`, else the `access_token` query parameter; 401, code
 * 1405401), the cluster id (the `BCS-ClusterID`
 * header, else the `clusterId` query parameter), then the subscription parameters (core's
 * `parseSubscribeOptions`). A token limited to namespaces subscribes to those only: a `namespace` parameter
 * naming another is refused (403, code 1405403), and the subscription gets `namespaces`. Refusals carry the REST API's codes: 1405234 (`FilterFailed`, HTTP 400) for the
 * cluster id, 1405007 (`BadParams`, HTTP 400) for a parameter, 1405202 (`NotFound`, HTTP 404) for another path
 * when exclusive. Pure: it neither reads nor writes the socket.
 */
export function checkHandshake(
  request: { readonly url?: string | undefined; readonly headers: IncomingHttpHeaders },
  rules: HandshakeRules,
): HandshakeVerdict {
  const url = request.url ?? '/';
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const query = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));

  if (!rules.paths.includes(path)) {
    if (!rules.exclusive) return { kind: 'ignore' };
    return refusal(ErrorCode.NotFound, `no WebSocket endpoint at ${JSON.stringify(path.slice(0, 128))}`);
  }

  const { host, origin } = request.headers;
  if (rules.checkHost !== undefined && !rules.checkHost(host)) {
    return forbidden(`http header Host ${JSON.stringify(String(host).slice(0, 64))} is not an allowed host`);
  }
  if (!originAllowed(origin, host, rules.allowedOrigins ?? [])) {
    return forbidden(
      `http header Origin ${JSON.stringify(String(origin).slice(0, 128))} is not an allowed origin (allowedOrigins)`,
    );
  }

  try {
    const principal =
      rules.authenticate === undefined
        ? undefined
        : authenticateToken(rules.authenticate, presentedToken(request.headers.authorization, query));
    const clusterRefusal = checkClusterId(request.headers, query, rules.clusterId);
    if (clusterRefusal !== undefined) return clusterRefusal;
    const subscription = parseSubscribeOptions(query);
    if (principal === undefined) return { kind: 'accept', subscription };
    return { kind: 'accept', subscription: limitToNamespaces(subscription, principal), principal };
  } catch (error) {
    if (isBcsError(error)) return refusal(error.code, error.message);
    throw error;
  }
}

/** A namespaced token's subscription: only its namespaces; 403 for a `namespace` filter naming another. */
function limitToNamespaces(subscription: RequestedSubscription, principal: Principal): RequestedSubscription {
  const { namespaces } = principal;
  if (namespaces === undefined) return subscription;
  if (subscription.namespace !== undefined && !namespaces.includes(subscription.namespace)) {
    throw forbiddenTo(
      principal,
      `subscribe to namespace ${JSON.stringify(subscription.namespace)}: it is limited to ${namespaces.join(', ') || 'no namespace'}`,
    );
  }
  return { ...subscription, namespaces };
}

function checkClusterId(
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
  clusterId: string,
): HandshakeVerdict | undefined {
  // Node lower-cases header names; a repeated custom header arrives joined by ", " and so never matches.
  const header = headers[CLUSTER_HEADER.toLowerCase()];
  const fromHeader = typeof header === 'string' && header !== '' ? header : undefined;
  const fromQuery = query.get(CLUSTER_QUERY_PARAMETER) ?? undefined;
  const given = fromHeader ?? (fromQuery === '' ? undefined : fromQuery);
  if (given === undefined) {
    return refusal(
      ErrorCode.FilterFailed,
      `http header ${CLUSTER_HEADER} is required (browsers: query parameter ${CLUSTER_QUERY_PARAMETER})`,
    );
  }
  if (given !== clusterId) {
    const source =
      fromHeader === undefined
        ? `query parameter ${CLUSTER_QUERY_PARAMETER}`
        : `http header ${CLUSTER_HEADER}`;
    // At most 64 characters of what was sent, JSON-quoted, as the REST API answers.
    return refusal(
      ErrorCode.FilterFailed,
      `${source} ${JSON.stringify(given.slice(0, 64))} does not match this cluster`,
    );
  }
  return undefined;
}

/**
 * Whether a WebSocket handshake's `Origin` may connect. Browsers always send `Origin` on a WebSocket and a page
 * cannot forge it, while non-browser clients usually send none: so no `Origin` is accepted, an `Origin` whose
 * host and port equal the request's `Host` (the server's own pages) is accepted, and any other only when
 * `allowed` lists it exactly (scheme, host and port, case-insensitive, no path) or lists `*`. `null` (a
 * sandboxed or file page) is refused unless `*`.
 *
 * Examples, `Host: 127.0.0.1:8899`: no Origin ✓; `http://127.0.0.1:8899` ✓; `http://evil.example` ✗;
 * `https://console.example` ✓ only with `['https://console.example']`.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === undefined) return true;
  if (allowed.includes('*')) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (host !== undefined && sameHost(url, host)) return true;
  return allowed.some((entry) => {
    try {
      return new URL(entry).origin === url.origin;
    } catch {
      return false;
    }
  });
}

// The Origin's host and port against the Host header, with the Origin's scheme's default port filled in.
function sameHost(origin: URL, host: string): boolean {
  try {
    return new URL(`${origin.protocol}//${host}`).host === origin.host;
  } catch {
    return false;
  }
}

function forbidden(message: string): HandshakeVerdict {
  return { kind: 'refuse', status: 403, code: ErrorCode.FilterFailed, message };
}

function refusal(code: ErrorCode, message: string): HandshakeVerdict {
  return { kind: 'refuse', status: httpStatusOf[code], code, message };
}

/**
 * Answers an upgrade request with a complete HTTP/1.1 response carrying the v4 envelope
 * `{ result: false, code, message, data: null }`, then closes the socket. The socket is never upgraded.
 */
export function writeRefusal(socket: Duplex, status: number, code: number, message: string): void {
  // After 'upgrade' Node leaves the socket without an error listener; a reset peer must not crash us.
  socket.on('error', () => socket.destroy());
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ result: false, code, message, data: null });
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ].join('\r\n');
  socket.once('finish', () => socket.destroy());
  socket.end(`${head}\r\n\r\n${body}`);
}
