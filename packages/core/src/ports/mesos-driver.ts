import { createToken } from '../tokens.js';

/**
 * The Mesos v1 scheduler API as core sees it (spec/mesos-v1.md). Types keep Mesos' JSON shapes — snake_case
 * fields, ids as `{ value }` objects, enums as name strings, bytes as base64 strings — so a real HTTP driver
 * is a thin adapter: `call()` POSTs the call as JSON, and each RecordIO record of the subscription becomes one
 * `MesosEvent` for the listener.
 */

/** An opaque Mesos id: `FrameworkID`, `OfferID`, `AgentID`, `TaskID`, `ExecutorID`. */
export interface MesosId {
  readonly value: string;
}

export interface MesosScalar {
  readonly value: number;
}
/** An inclusive port range. */
export interface MesosRange {
  readonly begin: number;
  readonly end: number;
}
export interface MesosRanges {
  readonly range: readonly MesosRange[];
}
export interface MesosSet {
  readonly item: readonly string[];
}
export interface MesosText {
  readonly value: string;
}

/** `Resource`: `cpus`, `mem` and `disk` (MB) are SCALAR, `ports` is RANGES. */
export interface MesosResource {
  readonly name: string;
  readonly type: 'SCALAR' | 'RANGES' | 'SET';
  readonly scalar?: MesosScalar;
  readonly ranges?: MesosRanges;
  readonly set?: MesosSet;
  /** `*` = unreserved. */
  readonly role?: string;
  readonly allocation_info?: { readonly role: string };
}

/** `Attribute` of an agent (`InnerIP` is TEXT in BCS clusters). */
export interface MesosAttribute {
  readonly name: string;
  readonly type: 'SCALAR' | 'RANGES' | 'SET' | 'TEXT';
  readonly scalar?: MesosScalar;
  readonly ranges?: MesosRanges;
  readonly set?: MesosSet;
  readonly text?: MesosText;
}

/** One offer: resources of one agent, usable once (ACCEPT or DECLINE). */
export interface MesosOffer {
  readonly id: MesosId;
  readonly framework_id: MesosId;
  readonly agent_id: MesosId;
  readonly hostname: string;
  readonly url?: {
    readonly scheme: string;
    readonly address: { readonly hostname: string; readonly ip?: string; readonly port: number };
    readonly path?: string;
  };
  readonly resources: readonly MesosResource[];
  readonly attributes?: readonly MesosAttribute[];
  readonly executor_ids?: readonly MesosId[];
  readonly unavailability?: unknown;
}

/** `TaskState` (spec/mesos-v1.md §7). */
export type MesosTaskState =
  | 'TASK_STAGING'
  | 'TASK_STARTING'
  | 'TASK_RUNNING'
  | 'TASK_KILLING'
  | 'TASK_FINISHED'
  | 'TASK_FAILED'
  | 'TASK_KILLED'
  | 'TASK_ERROR'
  | 'TASK_LOST'
  | 'TASK_DROPPED'
  | 'TASK_UNREACHABLE'
  | 'TASK_GONE'
  | 'TASK_GONE_BY_OPERATOR'
  | 'TASK_UNKNOWN';

/** States after which a task never runs again (TASK_LOST may, on a non-partition-aware framework). */
export const TERMINAL_TASK_STATES: ReadonlySet<MesosTaskState> = new Set([
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_ERROR',
  'TASK_LOST',
  'TASK_DROPPED',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
]);

/** `TaskStatus` inside an UPDATE event. */
export interface MesosTaskStatus {
  readonly task_id: MesosId;
  readonly state: MesosTaskState;
  readonly message?: string;
  readonly source?: 'SOURCE_MASTER' | 'SOURCE_AGENT' | 'SOURCE_EXECUTOR';
  /** `REASON_*`, e.g. `REASON_RECONCILIATION`, `REASON_AGENT_REMOVED`. */
  readonly reason?: string;
  readonly agent_id?: MesosId;
  readonly executor_id?: MesosId;
  /** Seconds since the epoch, fractional. */
  readonly timestamp?: number;
  /** Base64 of 16 UUID bytes. Present only on executor/agent updates, which must be acknowledged. */
  readonly uuid?: string;
  /** Present on TASK_RUNNING for tasks with a health check. */
  readonly healthy?: boolean;
  /** Base64 bytes; BCS executors put `BcsContainerInfo` JSON here. */
  readonly data?: string;
  readonly container_status?: {
    readonly network_infos?: readonly {
      readonly ip_addresses?: readonly { readonly protocol?: string; readonly ip_address: string }[];
    }[];
  };
}

export interface MesosCommandInfo {
  readonly shell?: boolean;
  readonly value?: string;
  readonly arguments?: readonly string[];
  readonly uris?: readonly {
    readonly value: string;
    readonly executable?: boolean;
    readonly extract?: boolean;
  }[];
  readonly environment?: { readonly variables: readonly { readonly name: string; readonly value: string }[] };
  readonly user?: string;
}

export interface MesosHealthCheck {
  readonly type: 'COMMAND' | 'HTTP' | 'TCP';
  readonly command?: MesosCommandInfo;
  readonly http?: { readonly scheme?: string; readonly port: number; readonly path?: string };
  readonly tcp?: { readonly port: number };
  readonly delay_seconds?: number;
  readonly interval_seconds?: number;
  readonly timeout_seconds?: number;
  readonly consecutive_failures?: number;
  readonly grace_period_seconds?: number;
}

export interface MesosPortMapping {
  readonly host_port: number;
  readonly container_port: number;
  readonly protocol?: string;
}

export interface MesosContainerInfo {
  readonly type: 'DOCKER' | 'MESOS';
  readonly hostname?: string;
  readonly volumes?: readonly {
    readonly container_path: string;
    readonly host_path?: string;
    readonly mode: 'RW' | 'RO';
  }[];
  readonly docker?: {
    readonly image: string;
    readonly network?: 'HOST' | 'BRIDGE' | 'NONE' | 'USER';
    readonly port_mappings?: readonly MesosPortMapping[];
    readonly privileged?: boolean;
    readonly parameters?: readonly { readonly key: string; readonly value: string }[];
    readonly force_pull_image?: boolean;
  };
  readonly mesos?: {
    readonly image?: { readonly type: 'DOCKER'; readonly docker: { readonly name: string } };
  };
  readonly network_infos?: readonly {
    readonly name?: string;
    readonly port_mappings?: readonly MesosPortMapping[];
  }[];
}

/** `TaskInfo`. */
export interface MesosTaskInfo {
  readonly name: string;
  readonly task_id: MesosId;
  readonly agent_id: MesosId;
  readonly resources: readonly MesosResource[];
  readonly command?: MesosCommandInfo;
  readonly container?: MesosContainerInfo;
  readonly health_check?: MesosHealthCheck;
  readonly kill_policy?: { readonly grace_period: { readonly nanoseconds: number } };
  readonly labels?: { readonly labels: readonly { readonly key: string; readonly value?: string }[] };
  /** Base64 bytes; BCS puts the task's `DataClass` JSON here. */
  readonly data?: string;
}

/** `ExecutorInfo` (one executor per taskgroup; its id is the taskgroup id). */
export interface MesosExecutorInfo {
  readonly type: 'DEFAULT' | 'CUSTOM';
  readonly executor_id: MesosId;
  readonly framework_id?: MesosId;
  readonly name?: string;
  readonly source?: string;
  readonly command?: MesosCommandInfo;
  readonly container?: MesosContainerInfo;
  readonly resources: readonly MesosResource[];
}

/** An ACCEPT operation. Core launches with LAUNCH_GROUP only (one taskgroup = one executor). */
export interface MesosLaunchGroupOperation {
  readonly type: 'LAUNCH_GROUP';
  readonly launch_group: {
    readonly executor: MesosExecutorInfo;
    readonly task_group: { readonly tasks: readonly MesosTaskInfo[] };
  };
}
export type MesosOperation = MesosLaunchGroupOperation;

export interface MesosFilters {
  /** Seconds the refused resources are not offered again (Mesos default 5). */
  readonly refuse_seconds?: number;
}

/** `FrameworkInfo` sent with SUBSCRIBE. */
export interface MesosFrameworkInfo {
  readonly id?: MesosId;
  readonly user: string;
  readonly name: string;
  readonly roles?: readonly string[];
  readonly hostname?: string;
  /** The framework's web UI (this scheduler's API), shown by the master. */
  readonly webui_url?: string;
  /** Seconds Mesos keeps the framework's tasks after the scheduler disconnects. */
  readonly failover_timeout?: number;
  readonly checkpoint?: boolean;
  readonly capabilities?: readonly { readonly type: string }[];
}

/** Every call core makes (spec/mesos-v1.md §4), in the wire envelope minus `framework_id` (the driver adds it). */
export type MesosCall =
  | { readonly type: 'ACCEPT'; readonly accept: AcceptBody }
  | {
      readonly type: 'DECLINE';
      readonly decline: { readonly offer_ids: readonly MesosId[]; readonly filters?: MesosFilters };
    }
  | { readonly type: 'REVIVE'; readonly revive?: { readonly roles?: readonly string[] } }
  | { readonly type: 'SUPPRESS'; readonly suppress?: { readonly roles?: readonly string[] } }
  | { readonly type: 'KILL'; readonly kill: KillBody }
  | {
      readonly type: 'SHUTDOWN';
      readonly shutdown: { readonly executor_id: MesosId; readonly agent_id: MesosId };
    }
  | { readonly type: 'ACKNOWLEDGE'; readonly acknowledge: AcknowledgeBody }
  | { readonly type: 'RECONCILE'; readonly reconcile: { readonly tasks: readonly ReconcileTask[] } }
  | { readonly type: 'MESSAGE'; readonly message: MessageBody }
  | { readonly type: 'TEARDOWN' };

export interface AcceptBody {
  readonly offer_ids: readonly MesosId[];
  readonly operations: readonly MesosOperation[];
  readonly filters?: MesosFilters;
}
export interface KillBody {
  readonly task_id: MesosId;
  readonly agent_id?: MesosId;
  readonly kill_policy?: { readonly grace_period: { readonly nanoseconds: number } };
}
export interface AcknowledgeBody {
  readonly agent_id: MesosId;
  readonly task_id: MesosId;
  /** `status.uuid`, echoed verbatim. */
  readonly uuid: string;
}
export interface ReconcileTask {
  readonly task_id: MesosId;
  readonly agent_id?: MesosId;
}
export interface MessageBody {
  readonly agent_id: MesosId;
  readonly executor_id: MesosId;
  /** Base64 bytes. */
  readonly data: string;
}

/** Every event core handles (spec/mesos-v1.md §5). Unknown types are never delivered. */
export type MesosEvent =
  | {
      readonly type: 'SUBSCRIBED';
      readonly subscribed: { readonly framework_id: MesosId; readonly heartbeat_interval_seconds?: number };
    }
  | { readonly type: 'OFFERS'; readonly offers: { readonly offers: readonly MesosOffer[] } }
  | { readonly type: 'RESCIND'; readonly rescind: { readonly offer_id: MesosId } }
  | { readonly type: 'UPDATE'; readonly update: { readonly status: MesosTaskStatus } }
  | { readonly type: 'MESSAGE'; readonly message: MessageBody }
  | {
      readonly type: 'FAILURE';
      readonly failure: {
        readonly agent_id?: MesosId;
        readonly executor_id?: MesosId;
        readonly status?: number;
      };
    }
  | { readonly type: 'ERROR'; readonly error: { readonly message: string } }
  | { readonly type: 'HEARTBEAT' };

/** Receives events in the order the master sent them. It is never called re-entrantly from `call()`. */
export type MesosEventListener = (event: MesosEvent) => void;

/**
 * The connection to a Mesos master (or a simulation of one).
 *
 * - `subscribe` opens the event stream. The first event is SUBSCRIBED (or ERROR). Resubscribing with
 *   `framework.id` keeps the framework's tasks (failover).
 * - `call` sends one call and resolves once the master accepted it for processing (HTTP 202). It rejects with
 *   a `BcsError` when the call could not be delivered; semantic failures arrive later as events.
 * - Calls are at-most-once and events about tasks at-least-once (spec/mesos-v1.md §7): core deduplicates
 *   updates by `(task_id, uuid)` and reconciles.
 */
export interface MesosDriver extends AsyncDisposable {
  subscribe(framework: MesosFrameworkInfo, listener: MesosEventListener): Promise<void>;
  call(call: MesosCall): Promise<void>;
  /** The link to the master now, for operators (`GET cluster/endpoints`, logs). Optional: fakes may omit it. */
  status?(): MesosLinkStatus;
  /** Closes the stream (the framework stays registered until its failover timeout). Idempotent. */
  dispose(): Promise<void>;
}

/**
 * The state of a driver's link to the master.
 *
 * - `connecting`: the first SUBSCRIBE is under way; `reconnecting`: the link was lost (an ERROR event, a closed
 *   stream, a silent stream, a refused call) and a re-SUBSCRIBE is pending, with back-off.
 * - `subscribed`: SUBSCRIBED arrived on the current stream; calls may be sent.
 * - `removed`: the master removed the framework (its failover timeout expired, or it was torn down). The driver
 *   stops: subscribing again would create a new framework and orphan every task the store still holds.
 * - `closed`: `dispose()` was called.
 */
export interface MesosLinkStatus {
  readonly state: 'connecting' | 'subscribed' | 'reconnecting' | 'removed' | 'closed';
  /** The master in use (or last tried), e.g. `http://10.0.0.1:5050`; `in-process` for a simulated cluster. */
  readonly master: string;
  /** Epoch ms of the last transition. */
  readonly since: number;
  /** The framework id once known. */
  readonly frameworkId?: string;
  /** Why the link is not `subscribed`, when known (the master's message, a socket error). */
  readonly lastError?: string;
  /** Failed SUBSCRIBE attempts since the last success. */
  readonly attempts?: number;
}

export const MesosDriverToken = createToken<MesosDriver>('MesosDriver');
