import { BcsError, ErrorCode, isBcsError } from '@bcs/core';
import type { Middleware } from 'koa';
import { failure } from '../envelope.js';

/** Statuses koa (or @koa/router's `allowedMethods({ throw: true })`) may throw, mapped to v4 codes. */
const codeOfHttpStatus: Readonly<Record<number, number>> = {
  404: ErrorCode.NotFound,
  405: ErrorCode.MethodNotAllowed,
  413: ErrorCode.ReadBody,
  501: ErrorCode.NotImplemented,
};

/**
 * The one place that maps errors to the v4 envelope (style.md point 23).
 * - `BcsError`: its status and code, its message (always safe to show).
 * - koa `HttpError`s with `expose` (405 from allowedMethods …): their status, a mapped code.
 * - Anything else: HTTP 500, code 1405200, a generic message; the error is emitted once on the app's
 *   `error` event, where the app logs it. Its message is never sent: it may contain internals.
 */
export function errorHandler(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (caught) {
      const error = toBcsError(caught);
      ctx.status = error.status;
      ctx.body = failure(error.code, error.message);
      if (error.code === ErrorCode.Internal) ctx.app.emit('error', caught, ctx);
    }
  };
}

function toBcsError(caught: unknown): BcsError {
  if (isBcsError(caught)) return caught;
  const http = caught as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof http.status === 'number' && http.expose === true && http.status < 600) {
    const code =
      codeOfHttpStatus[http.status] ?? (http.status >= 500 ? ErrorCode.Internal : ErrorCode.BadParams);
    return new BcsError(code as ErrorCode, String(http.message), { status: http.status, cause: caught });
  }
  return new BcsError(ErrorCode.Internal, 'internal error; see the scheduler log', { cause: caught });
}
