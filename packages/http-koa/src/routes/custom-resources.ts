import { CustomResourceService } from '@bcs/core';
import Router from '@koa/router';
import { readJson } from '../body.js';
import { success } from '../envelope.js';
import type { RouteDeps } from './deps.js';

/**
 * CustomResourceDefinitions at `/customresourcedefinitions[/{name}]` (and the document's misspelt
 * `/customresourcesdefinitions`), and custom resources at `/customresources/{group}/{version}/…`, where the
 * rest of the path (`namespaces/{ns}/{plural}/{name}`, `{ns}/{plural}`, `{plural}` …) is resolved by core
 * against the registered CRDs.
 */
export function createCustomResourceRoutes(deps: RouteDeps): Router {
  const service = deps.container.resolve(CustomResourceService);
  const router = new Router({ prefix: deps.prefix });
  for (const base of ['/customresourcedefinitions', '/customresourcesdefinitions']) {
    router.post(base, async (ctx) => {
      ctx.body = success(await service.createDefinition(await readJson(ctx, deps.bodyLimit)));
    });
    router.get(base, async (ctx) => {
      ctx.body = success(await service.listDefinitions());
    });
    router.get(`${base}/:name`, async (ctx) => {
      ctx.body = success(await service.getDefinition(ctx.params.name!));
    });
    router.put(`${base}/:name`, async (ctx) => {
      ctx.body = success(
        await service.updateDefinition(ctx.params.name!, await readJson(ctx, deps.bodyLimit)),
      );
    });
    router.delete(`${base}/:name`, async (ctx) => {
      await service.deleteDefinition(ctx.params.name!);
      ctx.body = success(null);
    });
  }

  const path = '/customresources/:group/:version/*rest';
  const refOf = (params: Record<string, string | undefined>) =>
    service.resolve(
      params.group!,
      params.version!,
      (params.rest ?? '').split('/').filter((s) => s !== ''),
    );
  router.post(path, async (ctx) => {
    const ref = await refOf(ctx.params);
    ctx.body = success(await service.create(ref, await readJson(ctx, deps.bodyLimit)));
  });
  router.put(path, async (ctx) => {
    const ref = await refOf(ctx.params);
    ctx.body = success(await service.update(ref, await readJson(ctx, deps.bodyLimit)));
  });
  router.get(path, async (ctx) => {
    const ref = await refOf(ctx.params);
    ctx.body = success(ref.name === undefined ? await service.list(ref) : await service.get(ref));
  });
  router.delete(path, async (ctx) => {
    const ref = await refOf(ctx.params);
    await service.delete(ref);
    ctx.body = success(null);
  });
  return router;
}
