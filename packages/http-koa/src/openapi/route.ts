import { ErrorCode } from '@bcs/core';
import Router from '@koa/router';
import { OPENAPI_PATHS } from './document.js';

/**
 * `GET /v4/openapi.json` and `GET /bcsapi/v4/openapi.json`: the document `build` makes, built on the first
 * request and then served from the same bytes. No cluster header is needed (the paths are outside the v4
 * prefixes the cluster check covers).
 */
export function createOpenApiRoutes(build: () => unknown): Router {
  let text: Buffer | undefined;
  const router = new Router();
  for (const path of OPENAPI_PATHS) {
    router.get(path, (ctx) => {
      text ??= Buffer.from(JSON.stringify(build()));
      ctx.type = 'json';
      ctx.body = text;
      // The v4 code the request log reads from an envelope body (this one is bytes, and not an envelope).
      ctx.state.code = ErrorCode.Ok;
    });
  }
  return router;
}
