import Koa from 'koa';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { requestLog } from '../../src/middleware/request-log.js';

function recording() {
  const entries: { fields: Record<string, unknown>; message: string | undefined }[] = [];
  const at = (fields: object, message?: string) => {
    entries.push({ fields: fields as Record<string, unknown>, message });
  };
  return { entries, logger: { debug: at, info: at, warn: at, error: at } };
}

describe('requestLog', () => {
  it.each([
    ['an envelope body', (ctx: Koa.Context) => (ctx.body = { result: false, code: 1405008 }), 1405008],
    [
      'a body sent as bytes, with the code the route left in ctx.state',
      (ctx: Koa.Context) => {
        ctx.body = Buffer.from('{"result":true,"code":0}');
        ctx.state.code = 0;
      },
      0,
    ],
    ['a body without a code', (ctx: Koa.Context) => (ctx.body = 'text'), undefined],
  ])('logs the v4 code of %s', async (_name, handler, code) => {
    const { entries, logger } = recording();
    const app = new Koa();
    app.use(requestLog(logger, () => 0));
    app.use(async (ctx) => {
      handler(ctx);
    });
    await request(app.callback()).get('/x?secret=1');
    expect(entries).toHaveLength(1);
    expect(entries[0]?.fields).toEqual({ method: 'GET', path: '/x', status: 200, code, ms: 0 });
  });
});
