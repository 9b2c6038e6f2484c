import { AgentSettingService, ErrorCode, isIpv4, parseIpList, ValidationError } from '@bcs/core';
import Router from '@koa/router';
import { readJson } from '../body.js';
import { success } from '../envelope.js';
import { queryString } from '../params.js';
import type { RouteDeps } from './deps.js';

/**
 * Agent settings (spec/api-v4.md AgentSetting). `ips` is a comma-separated query parameter. Lists accept a
 * trailing slash, as the document's examples use one. `GET /agentsettings/{ip}` reads a single setting.
 */
export function createAgentSettingRoutes(deps: RouteDeps): Router {
  const service = deps.container.resolve(AgentSettingService);
  const router = new Router({ prefix: deps.prefix });
  const ips = (query: Record<string, string | string[] | undefined>, required: boolean) =>
    parseIpList(queryString(query, 'ips'), { required });

  router.get('/agentsettings{/}', async (ctx) => {
    ctx.body = success(await service.list(ips(ctx.query, false)));
  });
  router.post('/agentsettings{/}', async (ctx) => {
    await service.set(await readJson(ctx, deps.bodyLimit));
    ctx.body = success(null);
  });
  router.delete('/agentsettings{/}', async (ctx) => {
    await service.delete(ips(ctx.query, true));
    ctx.body = success(null);
  });
  router.post('/agentsettings/update', async (ctx) => {
    await service.update(await readJson(ctx, deps.bodyLimit));
    ctx.body = success(null);
  });
  router.post('/agentsettings/disable', async (ctx) => {
    await service.disable(ips(ctx.query, true));
    ctx.body = success(null);
  });
  router.post('/agentsettings/enable', async (ctx) => {
    await service.enable(ips(ctx.query, true));
    ctx.body = success(null);
  });
  router.put('/agentsettings/taint', async (ctx) => {
    await service.taint(await readJson(ctx, deps.bodyLimit));
    ctx.body = success(null);
  });
  router.get('/agentsettings/:ip', async (ctx) => {
    const ip = ctx.params.ip!;
    if (!isIpv4(ip)) {
      throw new ValidationError(
        'URL',
        [{ path: 'ip', rule: 'must be an IPv4 address' }],
        ErrorCode.BadParams,
      );
    }
    ctx.body = success(await service.get(ip));
  });
  return router;
}
