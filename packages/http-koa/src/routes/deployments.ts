import { BcsError, DeploymentService, type DeploymentView, ErrorCode, ValidationError } from '@bcs/core';
import Router from '@koa/router';
import { readJson } from '../body.js';
import { success } from '../envelope.js';
import { redactCredentials } from '../mappers/index.js';
import { checkNames, queryString } from '../params.js';
import type { RouteDeps } from './deps.js';
import { requireScheduler } from './scheduler-required.js';

/**
 * Deployments (spec/api-v4.md createDeployment … scaleDeployment, getDeploymentDef; spec/bcs-behaviour.md §5).
 * `PUT ?args=resource` (a resource-only update of a deployment) answers 501 for now. The body of a deployment
 * is {@link deploymentBody}: the record's fields in lowerCamelCase plus the apps observed now.
 */
export function createDeploymentRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: deps.prefix });
  const service = () => requireScheduler(deps.container, DeploymentService);
  const base = '/namespaces/:ns/deployments';

  router.post(base, async (ctx) => {
    checkNames({ namespace: ctx.params.ns });
    const deployments = service();
    ctx.body = success(
      deploymentBody(await deployments.create(ctx.params.ns!, await readJson(ctx, deps.bodyLimit))),
    );
  });
  router.put(base, async (ctx) => {
    checkNames({ namespace: ctx.params.ns });
    const args = queryString(ctx.query, 'args');
    if (args === 'resource') {
      throw new BcsError(ErrorCode.NotImplemented, 'PUT deployments?args=resource is not implemented yet');
    }
    const deployments = service();
    if (args !== undefined && args !== '') {
      throw new ValidationError(
        'URL',
        [{ path: 'args', rule: 'must be "resource" or absent' }],
        ErrorCode.BadParams,
      );
    }
    ctx.body = success(
      deploymentBody(await deployments.update(ctx.params.ns!, await readJson(ctx, deps.bodyLimit))),
    );
  });
  router.get(`${base}/:name`, async (ctx) => {
    const { ns, name } = names(ctx.params);
    ctx.body = success(deploymentBody(await service().get(ns, name)));
  });
  router.delete(`${base}/:name`, async (ctx) => {
    const { ns, name } = names(ctx.params);
    const enforce = queryString(ctx.query, 'enforce');
    if (enforce !== undefined && enforce !== '0' && enforce !== '1') {
      throw new ValidationError('URL', [{ path: 'enforce', rule: 'must be 0 or 1' }], ErrorCode.BadParams);
    }
    await service().delete(ns, name, enforce === '1');
    ctx.body = success(null);
  });
  for (const control of ['cancel', 'pause', 'resume'] as const) {
    router.put(`${base}/:name/${control}update`, async (ctx) => {
      const { ns, name } = names(ctx.params);
      ctx.body = success(deploymentBody(await service()[control](ns, name)));
    });
  }
  router.put(`${base}/:name/scale/:instances`, async (ctx) => {
    const { ns, name } = names(ctx.params);
    const raw = ctx.params.instances ?? '';
    if (!/^\d{1,9}$/.test(raw)) {
      throw new ValidationError(
        'URL',
        [{ path: 'instances', rule: 'must be a whole number ≥ 1' }],
        ErrorCode.BadParams,
      );
    }
    ctx.body = success(deploymentBody(await service().scale(ns, name, Number(raw))));
  });
  router.get('/definition/deployment/:ns/:name', async (ctx) => {
    const { ns, name } = names(ctx.params);
    ctx.body = success(redactCredentials(await service().definition(ns, name)));
  });
  return router;
}

/**
 * A deployment as the API shows it: `name`, `namespace`, `labels`, `selector`, `instance`, `strategy`
 * (resolved), `status`, `message`, `application` (the bound app observed now, absent once gone), `rollout`
 * (the rollout in progress or the last one: phase, step, stage, old/new counts, paused, failures), times in
 * epoch ms.
 */
export function deploymentBody(view: DeploymentView) {
  const d = view.deployment;
  return {
    name: d.name,
    namespace: d.namespace,
    labels: d.labels,
    selector: d.selector,
    instance: d.instance,
    strategy: d.strategy,
    status: d.status,
    message: d.message,
    application: view.app ?? null,
    rollout: view.rollout ?? null,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

function names(params: Record<string, string | undefined>): { ns: string; name: string } {
  checkNames({ namespace: params.ns, name: params.name });
  return { ns: params.ns!, name: params.name! };
}
