import { HealthService } from '@bcs/core';
import Router from '@koa/router';
import { readJson } from '../body.js';
import { success } from '../envelope.js';
import type { RouteDeps } from './deps.js';
import { requireScheduler } from './scheduler-required.js';

/**
 * `POST /healthcheck`: a health result from an outside checker (spec/bcs-behaviour.md §7), body
 * `{id: taskId, type, http, tcp, status, message}`. Recorded on the task when it is Running and has a check of
 * that type; answers `{recorded, state}`. 400 (1405008) naming the field for a bad body, 404 (1405202) for
 * an unknown task, 503 (1405905) without a Mesos cluster.
 */
export function createHealthRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: deps.prefix });
  router.post('/healthcheck', async (ctx) => {
    const service = requireScheduler(deps.container, HealthService);
    ctx.body = success(await service.report(await readJson(ctx, deps.bodyLimit)));
  });
  return router;
}
