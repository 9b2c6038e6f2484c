import { AdmissionWebhookService } from '@bcs/core';
import type Router from '@koa/router';
import { success } from '../envelope.js';
import type { RouteDeps } from './deps.js';
import { createNamespacedRoutes } from './namespaced.js';

/**
 * Admission webhook configurations: the five namespaced routes under two paths. The API document writes
 * `/crd/namespaces/{ns}/admissionwebhook`, the original served `/namespaces/{ns}/admissionwebhook`
 * (spec/bcs-behaviour.md §15.16): both work. `GET /admissionwebhooks` (also under `/crd`) lists every namespace.
 */
export function createAdmissionWebhookRoutes(deps: RouteDeps): Router {
  const service = deps.container.resolve(AdmissionWebhookService);
  const bases = ['/crd/namespaces/:ns/admissionwebhook', '/namespaces/:ns/admissionwebhook'];
  const router = createNamespacedRoutes(bases, service, deps);
  for (const list of ['/admissionwebhooks', '/crd/admissionwebhooks']) {
    router.get(list, async (ctx) => {
      ctx.body = success(await service.listAll());
    });
  }
  return router;
}
