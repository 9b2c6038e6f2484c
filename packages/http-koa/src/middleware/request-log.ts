import type { Logger } from '@bcs/core';
import type { Middleware } from 'koa';

/**
 * Logs one line per request after it finished: method, path (no query string, which may carry ids of
 * secrets' owners), status, v4 code and duration in ms. Bodies are never logged.
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
