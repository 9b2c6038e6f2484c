import { AdmissionWebhookService } from '@bcs/core';
import Router from '@koa/router';
import { readJson } from '../body.js';
import { success } from '../envelope.js';
import { checkNames } from '../params.js';
import type { RouteDeps } from './deps.js';

/**
 * Admission webhook configurations. The API document writes `/crd/namespaces/{ns}/admissionwebhook`, the
 * original served `/namespaces/{ns}/admissionwebhook` (spec/bcs-behaviour.md §15.16): both work.
 * `GET /admissionwebhooks` lists every namespace.
 */
export function createAdmissionWebhookRoutes(deps: RouteDeps): Router {
  const service = deps.container.resolve(AdmissionWebhookService);
  const router = new Router({ prefix: deps.prefix });
  for (const base of ['/crd/namespaces/:ns/admissionwebhook', '/namespaces/:ns/admissionwebhook']) {
    router.post(base, async (ctx) => {
      checkNames({ namespace: ctx.params.ns });
      ctx.body = success(await service.create(ctx.params.ns!, await readJson(ctx, deps.bodyLimit)));
    });
    router.put(base, async (ctx) => {
      checkNames({ namespace: ctx.params.ns });
      ctx.body = success(await service.update(ctx.params.ns!, await readJson(ctx, deps.bodyLimit)));
    });
    router.get(base, async (ctx) => {
      checkNames({ namespace: ctx.params.ns });
      ctx.body = success(await service.list(ctx.params.ns!));
    });
    router.get(`${base}/:name`, async (ctx) => {
      checkNames({ namespace: ctx.params.ns, name: ctx.params.name });
      ctx.body = success(await service.get(ctx.params.ns!, ctx.params.name!));
    });
    router.delete(`${base}/:name`, async (ctx) => {
      checkNames({ namespace: ctx.params.ns, name: ctx.params.name });
      await service.delete(ctx.params.ns!, ctx.params.name!);
      ctx.body = success(null);
    });
  }
  for (const list of ['/admissionwebhooks', '/crd/admissionwebhooks']) {
    router.get(list, async (ctx) => {
      ctx.body = success(await service.listAll());
    });
  }
  return router;
}
