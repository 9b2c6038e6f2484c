import type { Logger } from '@bcs/core';
import type { Middleware } from 'koa';

/**
 * Logs one line per request after it finished: method, path (no query string, which may carry ids of
 * secrets' owners or an `access_token`), status, v4 code, duration in ms, and with authentication the token's
 * name as `user`. Bodies and headers (`Authorization`) are never logged.
 */
export function requestLog(logger: Logger, now: () => number = () => performance.now()): Middleware {
  return async (ctx, next) => {
    const started = now();
    try {
      await next();
    } finally {
      const body = ctx.body as { code?: unknown } | undefined;
      logger.info(
        {
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          code: v4Code(body, ctx.state as { code?: unknown }),
          ms: Math.round((now() - started) * 100) / 100,
          ...principalName(ctx.state as { principal?: { name?: unknown } }),
        },
        'request',
      );
    }
  };
}

/** The v4 code of the answer: the envelope's, or for a body sent as bytes, the one the route left in `ctx.state`. */
function v4Code(body: { code?: unknown } | undefined, state: { code?: unknown }): number | undefined {
  if (typeof body?.code === 'number') return body.code;
  return typeof state.code === 'number' ? state.code : undefined;
}

/** `{ user }`: the name of the token the request was authenticated with, when there was one. */
function principalName(state: { principal?: { name?: unknown } }): { user?: string } {
  const name = state.principal?.name;
  return typeof name === 'string' ? { user: name } : {};
}
