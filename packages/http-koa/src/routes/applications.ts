import { ApplicationService, type ApplicationView, ErrorCode, ValidationError } from '@bcs/core';
import Router from '@koa/router';
import { readJson } from '../body.js';
import { success } from '../envelope.js';
import {
  redactCredentials,
  TaskGroupsAnswers,
  toBcsApplication,
  toBcsTask,
  toBcsTaskGroup,
  toBcsVersion,
} from '../mappers/index.js';
import { checkNames, queryString } from '../params.js';
import type { RouteDeps } from './deps.js';
import { requireScheduler } from './scheduler-required.js';

/**
 * Applications (spec/api-v4.md Application), answered in the original's field names (spec/bcs-behaviour.md
 * §1.3) so existing BCS clients parse them. Query parameters are checked: `instances` and `hostRetainTime` are
 * whole numbers, `enforce` is 0 or 1, `args` is `resource`.
 */
export function createApplicationRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: deps.prefix });
  const service = () => requireScheduler(deps.container, ApplicationService);
  const base = '/namespaces/:ns/applications';
  // A 100-instance application's taskgroups are ~200 KiB of JSON: serialised again only where they changed.
  const taskGroupsAnswers = new TaskGroupsAnswers();
  const view = (v: ApplicationView) =>
    toBcsApplication(
      v.app,
      v.taskGroups,
      v.version,
      deps.clusterName === undefined ? {} : { clusterId: deps.clusterName },
    );

  router.post(base, async (ctx) => {
    checkNames({ namespace: ctx.params.ns });
    ctx.body = success(view(await service().create(ctx.params.ns!, await readJson(ctx, deps.bodyLimit))));
  });
  router.put(base, async (ctx) => {
    checkNames({ namespace: ctx.params.ns });
    const instances = wholeNumber(queryString(ctx.query, 'instances'), 'instances');
    const args = queryString(ctx.query, 'args');
    if (args !== undefined && args !== '' && args !== 'resource') {
      throw new ValidationError(
        'URL',
        [{ path: 'args', rule: 'must be "resource" or absent' }],
        ErrorCode.BadParams,
      );
    }
    const body = await readJson(ctx, deps.bodyLimit);
    const options = { ...(instances === undefined ? {} : { instances }), resourceOnly: args === 'resource' };
    ctx.body = success(view(await service().update(ctx.params.ns!, body, options)));
  });
  router.put(`${base}/rollback`, async (ctx) => {
    checkNames({ namespace: ctx.params.ns });
    ctx.body = success(view(await service().rollback(ctx.params.ns!, await readJson(ctx, deps.bodyLimit))));
  });
  router.get(base, async (ctx) => {
    checkNames({ namespace: ctx.params.ns });
    ctx.body = success(service().list(ctx.params.ns!).map(view));
  });
  router.get(`${base}/:name`, async (ctx) => {
    const { ns, name } = names(ctx.params);
    ctx.body = success(view(service().get(ns, name)));
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
  router.put(`${base}/:name/scale/:instances`, async (ctx) => {
    const { ns, name } = names(ctx.params);
    const instances = wholeNumber(ctx.params.instances, 'instances');
    ctx.body = success(view(await service().scale(ns, name, instances ?? -1)));
  });
  router.get(`${base}/:name/taskgroups`, async (ctx) => {
    const { ns, name } = names(ctx.params);
    const v = service().get(ns, name);
    ctx.type = 'json';
    ctx.body = taskGroupsAnswers.answer(`${ns}/${name}`, v.taskGroups, v.version);
    // The v4 code the request log reads from an envelope body (this one is bytes).
    ctx.state.code = ErrorCode.Ok;
  });
  router.get(`${base}/:name/tasks`, async (ctx) => {
    const { ns, name } = names(ctx.params);
    const v = service().get(ns, name);
    ctx.body = success(v.taskGroups.flatMap((tg) => tg.tasks.map((task) => toBcsTask(task, tg, v.version))));
  });
  router.put(`${base}/:name/taskgroups/:taskgroup/rescheduler`, async (ctx) => {
    const { ns, name } = names(ctx.params);
    const hostRetainTime = wholeNumber(queryString(ctx.query, 'hostRetainTime'), 'hostRetainTime') ?? 0;
    const tg = await service().reschedule(ns, name, ctx.params.taskgroup!, hostRetainTime);
    ctx.body = success(toBcsTaskGroup(tg, service().get(ns, name).version));
  });
  router.get(`${base}/:name/versions`, async (ctx) => {
    const { ns, name } = names(ctx.params);
    ctx.body = success(service().versions(ns, name));
  });
  router.get(`${base}/:name/versions/:version`, async (ctx) => {
    const { ns, name } = names(ctx.params);
    ctx.body = success(toBcsVersion(service().version(ns, name, ctx.params.version!)));
  });
  router.get('/definition/application/:ns/:name', async (ctx) => {
    const { ns, name } = names(ctx.params);
    ctx.body = success(redactCredentials(service().definition(ns, name)));
  });
  return router;
}

function names(params: Record<string, string | undefined>): { ns: string; name: string } {
  checkNames({ namespace: params.ns, name: params.name });
  return { ns: params.ns!, name: params.name! };
}

/** A whole number from the URL, undefined when absent; a 400 naming `label` otherwise. */
function wholeNumber(raw: string | undefined, label: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,9}$/.test(raw)) {
    throw new ValidationError(
      'URL',
      [{ path: label, rule: 'must be a whole number ≥ 0' }],
      ErrorCode.BadParams,
    );
  }
  return Number(raw);
}
