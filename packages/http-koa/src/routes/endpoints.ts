import { EndpointService } from '@bcs/core';
import Router from '@koa/router';
import { success } from '../envelope.js';
import { checkNames } from '../params.js';
import type { RouteDeps } from './deps.js';
import { requireScheduler } from './scheduler-required.js';

/**
 * `GET /namespaces/{ns}/services/{name}/endpoints`: the service's endpoints, computed from the scheduler's
 * Running taskgroups (core `EndpointService`, spec/bcs-behaviour.md §9). Ours: the original stored endpoints
 * for other components to read and served them through no API. 400 (1405007) for a bad namespace or name,
 * 404 (1405202) when the service does not exist, 503 (1405905) when the server has no Mesos cluster.
 */
export function createEndpointRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: deps.prefix });
  router.get('/namespaces/:ns/services/:name/endpoints', async (ctx) => {
    checkNames({ namespace: ctx.params.ns, name: ctx.params.name });
    const service = requireScheduler(deps.container, EndpointService);
    ctx.body = success(await service.endpoints(ctx.params.ns!, ctx.params.name!));
  });
  return router;
}
