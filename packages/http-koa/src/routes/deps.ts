import type { DependencyContainer } from 'tsyringe';
import type { SchedulerEndpoint } from './cluster.js';

/**
 * What every route family needs: the container holding core's services, the body limit in bytes, and the
 * prefix the family is mounted under (`/v4/scheduler/mesos` or `/bcsapi/v4/scheduler/mesos`).
 */
export interface RouteDeps {
  readonly container: DependencyContainer;
  readonly bodyLimit: number;
  readonly prefix: string;
  /** The Mesos cluster name in ids, shown as applications' `ClusterId`. */
  readonly clusterName?: string;
  /** This scheduler's address, for `GET /cluster/endpoints`. */
  readonly endpoint?: () => SchedulerEndpoint | undefined;
}
