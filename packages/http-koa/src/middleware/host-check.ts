import { isIP } from 'node:net';
import { BcsError, ErrorCode } from '@bcs/core';
import type { Middleware } from 'koa';

/** Decides whether a request's `Host` header (as sent, port included) may be served. */
export type HostCheck = (host: string | undefined) => boolean;

/** Options of {@link createHostCheck}. */
export interface HostCheckOptions {
  /** The address the server listens on (`127.0.0.1`, `::`, `0.0.0.0`, `sched.example`). */
  readonly listenHost: string;
  /** Further host names (or addresses) clients may use, without port; case-insensitive. Default none. */
  readonly allowedHosts?: readonly string[];
}

const WILDCARD = new Set(['0.0.0.0', '::', '']);

/**
 * The `Host` check against DNS rebinding: a web page on `evil.example` that re-points its name at this
 * server's address sends `Host: evil.example`, which is refused. The port is ignored. Allowed:
 *
 * - a missing `Host` (HTTP/1.0 clients; a browser always sends one);
 * - an IP address (`127.0.0.1:8899`, `[::1]`, `10.0.0.5`): no rebinding uses a literal address, since the
 *   page would then be on this server's own origin;
 * - `localhost` (and names under `.localhost`), the listen address, and every name in `allowedHosts`;
 * - anything, when the server listens on every interface (`0.0.0.0`, `::`) and `allowedHosts` is empty:
 *   clients then reach it under names we cannot know. Give `allowedHosts` to check them.
 *
 * Examples (listening on 127.0.0.1, no list): `127.0.0.1:8899` ✓, `localhost:8899` ✓, `[::1]:8899` ✓,
 * `evil.example:8899` ✗. Listening on 0.0.0.0 with `['sched.example']`: `sched.example` ✓, `evil.example` ✗.
 */
export function createHostCheck(options: HostCheckOptions): HostCheck {
  const allowed = new Set((options.allowedHosts ?? []).map((h) => stripBrackets(h.trim().toLowerCase())));
  const listen = stripBrackets(options.listenHost.trim().toLowerCase());
  if (WILDCARD.has(listen) && allowed.size === 0) return () => true;
  allowed.add(listen);
  return (header) => {
    if (header === undefined || header === '') return true;
    const name = hostName(header.trim().toLowerCase());
    if (name === undefined) return false;
    return isIP(name) !== 0 || name === 'localhost' || name.endsWith('.localhost') || allowed.has(name);
  };
}

/**
 * Koa middleware refusing requests whose `Host` fails `check`: HTTP 403 in the v4 envelope, code 1405234
 * (`FilterFailed`, the code of the original's request filters).
 */
export function requireAllowedHost(check: HostCheck): Middleware {
  return async (ctx, next) => {
    const host = ctx.req.headers.host;
    if (!check(host)) {
      throw new BcsError(
        ErrorCode.FilterFailed,
        `http header Host ${JSON.stringify(String(host).slice(0, 64))} is not an allowed host of this scheduler (--allowed-hosts)`,
        { status: 403 },
      );
    }
    await next();
  };
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** The name part of a Host header value: `a.b:80` → `a.b`, `[::1]:80` → `::1`; undefined when malformed. */
function hostName(header: string): string | undefined {
  if (header.startsWith('[')) {
    const end = header.indexOf(']');
    if (end < 0) return undefined;
    const rest = header.slice(end + 1);
    if (rest !== '' && !/^:\d*$/.test(rest)) return undefined;
    return header.slice(1, end);
  }
  const colon = header.indexOf(':');
  if (colon < 0) return header;
  if (!/^\d*$/.test(header.slice(colon + 1))) return undefined;
  return header.slice(0, colon);
}
