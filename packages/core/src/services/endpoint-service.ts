import { inject, injectable } from 'tsyringe';
import { SchedulerEngine } from '../engine/engine.js';
import type { StateSource } from '../engine/ports.js';
import type { AppState } from '../engine/state.js';
import type { ObjectMeta } from '../resources/meta.js';
import type { Service } from '../resources/service.js';
import type { TaskGroup } from '../resources/taskgroup.js';
import { networkOf } from '../scheduler/ports.js';
import { ServiceService } from './service-service.js';

/** One port of an endpoint: a task port mapping whose name is one of the service's port names. */
export interface EndpointPort {
  readonly name: string;
  /** The port bound on the agent; 0 when the mapping has none (USER, NONE networks). */
  readonly hostPort: number;
  readonly containerPort: number;
  /** The agent's InnerIP, present only when `hostPort` > 0 (a port is bound on the agent). */
  readonly hostIP?: string;
  /** As the container declared it (`TCP`, `UDP`, `HTTP`, …). */
  readonly protocol: string;
}

/** The taskgroup behind an endpoint (the original's `targetRef`; `image` is always empty, as there). */
export interface EndpointTargetRef {
  readonly kind: 'taskgroup';
  /** The taskgroup id (`<index>.<app>.<ns>.<cluster>.<nanos>`). */
  readonly id: string;
  /** `<app>-<index>`. */
  readonly name: string;
  readonly namespace: string;
  readonly image: '';
}

/** One member of a service: a Running taskgroup, where to reach it, and its ports the service names. */
export interface Endpoint {
  /** The network mode of the version the taskgroup runs (`BRIDGE`, `HOST`, `USER`, …). */
  readonly networkMode: string;
  /** The agent's InnerIP. */
  readonly nodeIP: string;
  /**
   * The container IP the executor reported; when none was reported, the agent's InnerIP on the HOST network
   * (processes included), otherwise empty.
   */
  readonly containerIP: string;
  readonly targetRef: EndpointTargetRef;
  /** Task port mappings in task order, one per mapping whose name equals a service port name. */
  readonly ports: readonly EndpointPort[];
}

/**
 * The endpoints of one service (spec/bcs-behaviour.md §9 `BcsEndpoint`): `kind` and `metadata` copied from the
 * service, `eps` its members ordered by application name, then instance index.
 */
export interface BcsEndpoint {
  readonly kind?: string;
  readonly metadata: ObjectMeta;
  readonly eps: readonly Endpoint[];
}

/**
 * The endpoints of `service` among the applications `apps` (pure). Members are the taskgroups that are
 * **`Running`**, in the service's namespace, whose application's current-version `labels` (metadata ∪ template
 * labels) contain **every** selector pair. This fixes §15.15: the original also listed `Lost` taskgroups, and
 * matched on the application metadata in one code path and on the first task's labels in the other. A service
 * without a selector, or with an empty one, has no endpoints (it selects nothing, as in Kubernetes).
 *
 * Worked examples, service selector `{podname: app-test}` with port names [`test-port`], app `app-test` labelled
 * `podname=app-test` (BRIDGE), its taskgroups on agent 10.0.0.1:
 * - index 0 Running, mapping `test-port` 31000→9999 `HTTP`, container IP 172.17.0.2 → one endpoint: nodeIP
 *   10.0.0.1, containerIP 172.17.0.2, ports [{test-port, hostPort 31000, containerPort 9999, hostIP 10.0.0.1,
 *   HTTP}];
 * - index 1 Lost, Pending or Staging → not a member;
 * - a mapping named `admin` → not among the ports (the endpoint stays, with the ports that match);
 * - selector `{podname: app-test, tier: web}` → no member (the app lacks `tier`);
 * - the same app in namespace `other` → no member.
 */
export function computeEndpoints(service: Service, apps: Iterable<AppState>): BcsEndpoint {
  const selector = Object.entries(service.spec.selector ?? {});
  const portNames = new Set(service.spec.ports.map((port) => port.name));
  const eps: Endpoint[] = [];
  if (selector.length > 0) {
    const members = [...apps]
      .filter((state) => state.app.namespace === service.metadata.namespace)
      .filter((state) => {
        const labels = state.versions.get(state.app.versionId)?.labels ?? {};
        return selector.every(([key, value]) => Object.hasOwn(labels, key) && labels[key] === value);
      })
      .sort((a, b) => (a.app.id < b.app.id ? -1 : a.app.id > b.app.id ? 1 : 0));
    for (const state of members) {
      const running = [...state.taskGroups.values()]
        .filter((tg) => tg.status === 'Running')
        .sort((a, b) => a.index - b.index);
      for (const taskGroup of running) eps.push(endpointOf(state, taskGroup, portNames));
    }
  }
  return { kind: service.kind, metadata: service.metadata, eps };
}

function endpointOf(state: AppState, taskGroup: TaskGroup, portNames: ReadonlySet<string>): Endpoint {
  // The taskgroup runs the version it was launched with; during an update that is not the current one.
  const version = state.versions.get(taskGroup.versionId) ?? state.versions.get(state.app.versionId);
  const nodeIP = taskGroup.agentIp ?? '';
  const reported = taskGroup.tasks.find((task) => task.containerIp !== undefined)?.containerIp;
  const host = version !== undefined && networkOf(version) === 'HOST';
  const ports: EndpointPort[] = [];
  for (const task of taskGroup.tasks) {
    for (const mapping of task.portMappings) {
      if (!portNames.has(mapping.name)) continue;
      ports.push({
        name: mapping.name,
        hostPort: mapping.hostPort,
        containerPort: mapping.containerPort,
        ...(mapping.hostPort > 0 && nodeIP !== '' ? { hostIP: nodeIP } : {}),
        protocol: mapping.protocol,
      });
    }
  }
  return {
    networkMode: version?.networkMode ?? '',
    nodeIP,
    containerIP: reported ?? (host ? nodeIP : ''),
    targetRef: {
      kind: 'taskgroup',
      id: taskGroup.id,
      name: taskGroup.name,
      namespace: taskGroup.namespace,
      image: '',
    },
    ports,
  };
}

/**
 * Service endpoints (spec/bcs-behaviour.md §9), computed on request from the scheduler's in-memory state, so
 * they are never stale: the original wrote them to the store on a 300 s resync plus events and exposed them
 * through no API. Needs the scheduler (registered only with a Mesos driver).
 */
@injectable()
export class EndpointService {
  constructor(
    @inject(ServiceService) private readonly services: ServiceService,
    @inject(SchedulerEngine) private readonly engine: StateSource,
  ) {}

  /** The endpoints of service `<namespace>/<name>`; `NotFound` when the service does not exist. */
  async endpoints(namespace: string, name: string): Promise<BcsEndpoint> {
    const service = (await this.services.get(namespace, name)) as Service;
    return computeEndpoints(service, this.engine.state.apps.values());
  }
}
