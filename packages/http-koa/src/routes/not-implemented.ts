import { BcsError, ErrorCode } from '@bcs/core';
import Router from '@koa/router';
import type { RouteDeps } from './deps.js';

type Method = 'get' | 'post' | 'put' | 'delete';

/**
 * Endpoints of spec/api-v4.md that later issues own. Each answers HTTP 501 in the envelope (code 1405902),
 * never a fake success, so a client can tell "not yet" from "done". Each line: method, path, the issue that
 * implements it.
 */
export const NOT_YET_IMPLEMENTED: readonly (readonly [Method, string, string])[] = [];

/** Registers every {@link NOT_YET_IMPLEMENTED} endpoint, answering 501. */
export function createNotImplementedRoutes(deps: Pick<RouteDeps, 'prefix'>): Router {
  const router = new Router({ prefix: deps.prefix });
  for (const [method, path, owner] of NOT_YET_IMPLEMENTED) {
    router[method](path, () => {
      throw new BcsError(
        ErrorCode.NotImplemented,
        `${method.toUpperCase()} ${path} is not implemented yet: ${owner}`,
      );
    });
  }
  return router;
}
