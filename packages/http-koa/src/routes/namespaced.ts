import { ErrorCode, type NamespacedResourceService, type Stored, ValidationError } from '@bcs/core';
import Router from '@koa/router';
import { readJson } from '../body.js';
import { success } from '../envelope.js';
import { checkNames, queryString } from '../params.js';
import type { RouteDeps } from './deps.js';

/**
 * The five routes of a declarative namespaced kind under each of `bases` (paths with a `:ns` parameter, such
 * as `/namespaces/:ns/configmaps`): POST (create), PUT (update; the name comes from the body), DELETE
 * `/{name}`, GET (list) and GET `/{name}`. Create and update answer the stored object. A kind the API serves
 * under several paths (admission webhooks) passes them all; each serves the same five routes. `view` maps
 * each stored object to its response (default as stored; configmaps pass `redactCredentials`). DELETE takes
 * `?force=true|false`: configmaps and secrets that applications reference are deleted only with `true`.
 */
export function createNamespacedRoutes<D extends { metadata: { name: string } }>(
  bases: readonly string[],
  service: NamespacedResourceService<D>,
  deps: RouteDeps,
  view: (object: Stored<D>) => unknown = (object) => object,
): Router {
  const router = new Router({ prefix: deps.prefix });
  for (const base of bases) {
    router.post(base, async (ctx) => {
      checkNames({ namespace: ctx.params.ns });
      ctx.body = success(view(await service.create(ctx.params.ns!, await readJson(ctx, deps.bodyLimit))));
    });
    router.put(base, async (ctx) => {
      checkNames({ namespace: ctx.params.ns });
      ctx.body = success(view(await service.update(ctx.params.ns!, await readJson(ctx, deps.bodyLimit))));
    });
    router.get(base, async (ctx) => {
      checkNames({ namespace: ctx.params.ns });
      ctx.body = success((await service.list(ctx.params.ns!)).map((object) => view(object)));
    });
    router.get(`${base}/:name`, async (ctx) => {
      checkNames({ namespace: ctx.params.ns, name: ctx.params.name });
      ctx.body = success(view(await service.get(ctx.params.ns!, ctx.params.name!)));
    });
    router.delete(`${base}/:name`, async (ctx) => {
      checkNames({ namespace: ctx.params.ns, name: ctx.params.name });
      const force = queryString(ctx.query, 'force');
      if (force !== undefined && force !== 'true' && force !== 'false') {
        throw new ValidationError(
          'URL',
          [{ path: 'force', rule: 'must be true or false' }],
          ErrorCode.BadParams,
        );
      }
      await service.delete(ctx.params.ns!, ctx.params.name!, { force: force === 'true' });
      ctx.body = success(null);
    });
  }
  return router;
}
