import type { DependencyContainer } from 'tsyringe';

/**
 * What every route family needs: the container holding core's services, the body limit in bytes, and the
 * prefix the family is mounted under (`/v4/scheduler/mesos` or `/bcsapi/v4/scheduler/mesos`).
 */
export interface RouteDeps {
  readonly container: DependencyContainer;
  readonly bodyLimit: number;
  readonly prefix: string;
}
