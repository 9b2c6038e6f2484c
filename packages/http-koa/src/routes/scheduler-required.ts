import { BcsError, ErrorCode } from '@bcs/core';
import type { DependencyContainer, InjectionToken } from 'tsyringe';

/**
 * Resolves a scheduler service, or answers HTTP 503 (code 1405905) when the server runs without a Mesos
 * cluster (`registerCore` without a driver).
 */
export function requireScheduler<T>(container: DependencyContainer, token: InjectionToken<T>): T {
  if (!container.isRegistered(token, true)) {
    throw new BcsError(
      ErrorCode.NoCluster,
      'this scheduler has no Mesos cluster; start it with --sim-agents N (N > 0) or a Mesos master',
    );
  }
  return container.resolve(token);
}
