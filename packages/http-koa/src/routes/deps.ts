import type { DependencyContainer } from 'tsyringe';

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
  /**
   * Every replica of a highly available scheduler (issue 14), for `GET /cluster/endpoints`; replaces
   * `endpoint` there when given.
   */
  readonly replicas?: () => Promise<readonly ReplicaEndpoint[]>;
}

/** One replica in `GET /cluster/endpoints`: its address, its advertised URL, and whether it leads. */
export interface ReplicaEndpoint extends SchedulerEndpoint {
  readonly url: string;
  readonly leader: boolean;
}

/** What `GET /cluster/endpoints` reports about this scheduler (spec/bcs-behaviour.md §9 ServerInfo). */
export interface SchedulerEndpoint {
  readonly ip: string;
  readonly port: number;
  readonly hostname: string;
  readonly scheme: 'http' | 'https';
  readonly version: string;
  readonly cluster: string;
  readonly pid: number;
}
