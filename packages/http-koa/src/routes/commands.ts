import { CommandTracker, type CommandUrlKind, ErrorCode, MessageService, ValidationError } from '@bcs/core';
import Router from '@koa/router';
import type { Context } from 'koa';
import { readJson } from '../body.js';
import { success } from '../envelope.js';
import { checkNames, queryString } from '../params.js';
import type { RouteDeps } from './deps.js';
import { requireScheduler } from './scheduler-required.js';

/** Longest taskgroup id, image or URL accepted in a path or query parameter. */
const MAX_PARAM = 1024;

/**
 * What reaches the containers through the BCS executor (issue 12): messages and signals
 * (spec/api-v4.md sendApplicationMessage, sendTaskgroupMessage, sendapplicationSignal, sendtaskgroupSignal),
 * commands (sendCommand, getCommand, deleteCommand) and image commits (commitImage). With the DEFAULT
 * executor every one answers 409 naming the executor mode.
 *
 * - `POST …/message` (`PUT` too: the document's curl examples use it): `data` = `{sent: [{ID, Status, Err}],
 *   failed: [{ID, Status, Err}]}`, the taskgroups the MESSAGE was delivered to and those it was not.
 * - `POST /command/{application|deployment}/{ns}/{name}`: `data` = the command id.
 * - `GET …?id=`: `data` = the command record; `DELETE …?id=`: `data` = null.
 * - `POST /image/commit/{taskgroup}?image=&url=`: `data` = the commit's record, read back with
 *   `GET /command/application/{ns}/{app}?id=<data.id>`.
 */
export function createCommandRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: deps.prefix });
  const tracker = () => requireScheduler(deps.container, CommandTracker);
  const messages = () => requireScheduler(deps.container, MessageService);
  const appBase = '/namespaces/:ns/applications/:name';

  const toApplication = async (ctx: Context) => {
    const { ns, name } = ctx.params as { ns: string; name: string };
    checkNames({ namespace: ns, name });
    ctx.body = success(await messages().sendToApplication(ns, name, await readJson(ctx, deps.bodyLimit)));
  };
  const toTaskGroup = async (ctx: Context) => {
    const { ns, name, taskgroup } = ctx.params as { ns: string; name: string; taskgroup: string };
    checkNames({ namespace: ns, name });
    checkLength({ taskgroup });
    const body = await readJson(ctx, deps.bodyLimit);
    ctx.body = success(await messages().sendToTaskGroup(ns, name, taskgroup, body));
  };
  router.post(`${appBase}/message`, toApplication);
  router.put(`${appBase}/message`, toApplication);
  router.post(`${appBase}/taskgroups/:taskgroup/message`, toTaskGroup);
  router.put(`${appBase}/taskgroups/:taskgroup/message`, toTaskGroup);

  const commandBase = '/command/:kind/:ns/:name';
  router.post(commandBase, async (ctx) => {
    const { kind, ns, name } = commandParams(ctx);
    const record = await tracker().send(kind, ns, name, await readJson(ctx, deps.bodyLimit));
    ctx.body = success(record.id);
  });
  router.get(commandBase, async (ctx) => {
    const { kind, ns, name } = commandParams(ctx);
    ctx.body = success(tracker().get(kind, ns, name, commandIdOf(ctx)));
  });
  router.delete(commandBase, async (ctx) => {
    const { kind, ns, name } = commandParams(ctx);
    await tracker().remove(kind, ns, name, commandIdOf(ctx));
    ctx.body = success(null);
  });

  router.post('/image/commit/:taskgroup', async (ctx) => {
    const taskgroup = ctx.params.taskgroup!;
    const image = queryString(ctx.query, 'image') ?? '';
    const url = queryString(ctx.query, 'url') ?? '';
    const missing = [
      ...(image === ''
        ? [{ path: 'image', rule: 'is required: the image of the containers to commit' }]
        : []),
      ...(url === '' ? [{ path: 'url', rule: 'is required: the image to commit them as' }] : []),
    ];
    if (missing.length > 0) throw new ValidationError('URL', missing, ErrorCode.BadParams);
    checkLength({ taskgroup, image, url });
    ctx.body = success(await tracker().commitImage(taskgroup, image, url));
  });
  return router;
}

/** `:kind` (`application` or `deployment`), `:ns` and `:name` of a command URL; 400 naming the bad one. */
function commandParams(ctx: Context): { kind: CommandUrlKind; ns: string; name: string } {
  const { kind, ns, name } = ctx.params as { kind: string; ns: string; name: string };
  if (kind !== 'application' && kind !== 'deployment') {
    throw new ValidationError(
      'URL',
      [{ path: 'kind', rule: 'must be "application" or "deployment"' }],
      ErrorCode.BadParams,
    );
  }
  checkNames({ namespace: ns, name });
  return { kind, ns, name };
}

/**
 * The `id` query parameter, required. Surrounding double quotes are dropped: the document's example writes
 * `?id="Application-test-testapp-1547437542873435715"`.
 */
function commandIdOf(ctx: Context): string {
  const raw = queryString(ctx.query, 'id') ?? '';
  const id = raw.replace(/^"(.*)"$/, '$1');
  if (id === '' || id.length > MAX_PARAM) {
    throw new ValidationError(
      'URL',
      [{ path: 'id', rule: `is required: a command id of at most ${MAX_PARAM} characters` }],
      ErrorCode.BadParams,
    );
  }
  return id;
}

function checkLength(params: Readonly<Record<string, string>>): void {
  const issues = Object.entries(params)
    .filter(([, value]) => value.length > MAX_PARAM)
    .map(([path]) => ({ path, rule: `must be at most ${MAX_PARAM} characters` }));
  if (issues.length > 0) throw new ValidationError('URL', issues, ErrorCode.BadParams);
}
