import type { ResourceAmounts } from '../resources/application.js';
import type { CapturedAttributes, PortMapping } from '../resources/taskgroup.js';
import type { Version } from '../resources/version.js';

/**
 * One taskgroup to place: instance `index` of application `namespace/appId`, launched from `version`.
 * `labels` are the application's labels as other applications' EXCLUDE constraints see them (default
 * `version.labels`); they may also carry `io.tencent.bcs.netsvc.requestip.<i>` entries (§3.4).
 * `retainHost` pins a restarted instance to its old host until `retainHostUntil` (epoch ms, §2.5).
 */
export interface PlacementRequest {
  readonly appId: string;
  readonly namespace: string;
  readonly index: number;
  readonly version: Version;
  readonly labels?: Readonly<Record<string, string>>;
  readonly retainHost?: string;
  readonly retainHostUntil?: number;
}

/**
 * Where a taskgroup goes and what it takes there. `resources` is everything charged to the offer: the tasks
 * plus the executor overhead (`resources.ts`). `portMappings` has one list per container, in container order;
 * `hostPort` 0 means "no host port". `attributes` are the values constraint checks compare later (§3.4 "On
 * placement"). `role` is the offer's resource role; `requestedIp` the IP a requestip label asked for.
 */
export interface Placement {
  readonly request: PlacementRequest;
  readonly offerId: string;
  readonly agentId: string;
  readonly hostname: string;
  readonly innerIp?: string;
  readonly resources: ResourceAmounts;
  readonly portMappings: PortMapping[][];
  readonly attributes: CapturedAttributes;
  readonly role: string;
  readonly requestedIp?: string;
}

/**
 * Why a taskgroup fits nowhere. `rejections` counts agents per rejecting check (each agent is counted once,
 * under the first check it failed); `reason` renders them with `noFitMessage`.
 */
export interface NoFit {
  readonly reason: string;
  readonly rejections: Record<string, number>;
}

/**
 * Why one check refused an offer. `reason` is the name rejections are counted under: `cpus`, `ports`,
 * `constraint UNIQUE(InnerIP)`, `unknown operator X`… Checkers return shared instances, so a rejection costs no
 * allocation.
 */
export interface RejectReason {
  readonly reason: string;
}
