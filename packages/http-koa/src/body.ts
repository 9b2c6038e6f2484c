import { BcsError, ErrorCode } from '@bcs/core';
import type { Context } from 'koa';

/** The default request body limit: 1 MiB. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * Reads the request body as JSON, whatever its Content-Type (the API document's curl examples send
 * `-d` without one).
 * - Larger than `limit` bytes: HTTP 413, code 1405006; reading stops at the limit.
 * - Empty: HTTP 400, code 1405010, "request body is required".
 * - Not JSON: HTTP 400, code 1405010, with the byte offset only; the body is never echoed (it may be a secret).
 */
export async function readJson(ctx: Context, limit: number): Promise<unknown> {
  const declared = Number(ctx.get('content-length') || Number.NaN);
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      ctx.req.unpipe();
      ctx.req.resume();
      throw tooLarge(limit);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '')
    throw new BcsError(ErrorCode.JsonDecode, 'request body is required (a JSON document)');
  try {
    return JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec(String((error as Error).message))?.[1];
    const where = position === undefined ? '' : ` at byte ${position}`;
    throw new BcsError(ErrorCode.JsonDecode, `request body is not valid JSON${where}`);
  }
}

function tooLarge(limit: number): BcsError {
  return new BcsError(ErrorCode.ReadBody, `request body exceeds the limit of ${limit} bytes`, {
    status: 413,
  });
}
