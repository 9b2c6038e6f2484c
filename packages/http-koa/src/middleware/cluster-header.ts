import { BcsError, ErrorCode } from '@bcs/core';
import type { Middleware } from 'koa';

/** The header every v4 request carries (spec/api-v4.md "header"). */
export const CLUSTER_HEADER = 'BCS-ClusterID';

/**
 * Refuses requests whose `BCS-ClusterID` header is missing or differs from this scheduler's cluster id:
 * HTTP 400, code 1405234 (spec/bcs-behaviour.md §12). Runs before the body is read.
 */
export function requireClusterId(clusterId: string): Middleware {
  return async (ctx, next) => {
    const given = ctx.get(CLUSTER_HEADER);
    if (given === '') {
      throw new BcsError(ErrorCode.FilterFailed, `http header ${CLUSTER_HEADER} is required`);
    }
    if (given !== clusterId) {
      throw new BcsError(
        ErrorCode.FilterFailed,
        `http header ${CLUSTER_HEADER} ${JSON.stringify(given.slice(0, 64))} does not match this cluster`,
      );
    }
    await next();
  };
}
