import { ClusterService } from '@bcs/core';
import Router from '@koa/router';
import { success } from '../envelope.js';
import type { RouteDeps } from './deps.js';
import { requireScheduler } from './scheduler-required.js';

export type { ReplicaEndpoint, SchedulerEndpoint } from './deps.js';

/**
 * Cluster views (spec/api-v4.md getClusterResources, getClusterEndpoints, getClusteroffers). Resources and
 * offers come from the scheduler's view of the agents; endpoints list this scheduler (every replica, with
 * `url` and `leader`, when it runs highly available on etcd), and `mesos` shows the
 * link to the Mesos master (master, state, since, framework id, why it is down).
 */
export function createClusterRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: deps.prefix });
  const service = () => requireScheduler(deps.container, ClusterService);
  router.get('/cluster/resources', (ctx) => {
    ctx.body = success(service().resources());
  });
  router.get('/cluster/current/offers', (ctx) => {
    ctx.body = success(service().offers());
  });
  router.get('/cluster/endpoints', async (ctx) => {
    const self = deps.endpoint?.();
    const replicas = deps.replicas === undefined ? undefined : await deps.replicas();
    // Without a Mesos cluster (no scheduler registered) the endpoints still list this scheduler.
    const scheduling = deps.container.isRegistered(ClusterService, true);
    ctx.body = success({
      mesosscheduler: replicas ?? (self === undefined ? [] : [self]),
      mesosmaster: [],
      ...(scheduling ? { mesos: service().mesos() } : {}),
    });
  });
  return router;
}
