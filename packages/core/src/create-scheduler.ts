import { type DependencyContainer, container as rootContainer } from 'tsyringe';
import { type CoreOverrides, registerCore } from './container.js';
import { DeploymentController } from './deployments/deployment-controller.js';
import { SchedulerEngine } from './engine/engine.js';
import { BcsError, ErrorCode } from './errors.js';
import { RemoteHealthChecker } from './health/remote-checker.js';
import { AdmissionWebhookService } from './services/admission-webhook-service.js';
import { AgentSettingService } from './services/agent-setting-service.js';
import { ApplicationService } from './services/application-service.js';
import { ClusterService } from './services/cluster-service.js';
import { CommandTracker } from './services/command-tracker.js';
import { ConfigMapService } from './services/configmap-service.js';
import { CustomResourceService } from './services/custom-resource-service.js';
import { DeploymentService } from './services/deployment-service.js';
import { EndpointService } from './services/endpoint-service.js';
import { EventService } from './services/event-service.js';
import { HealthService } from './services/health-service.js';
import { MessageService } from './services/message-service.js';
import { SecretService } from './services/secret-service.js';
import { ServiceService } from './services/service-service.js';

/** What {@link createScheduler} needs: a store, and a Mesos driver to schedule anything. */
export interface SchedulerOptions extends CoreOverrides {
  /**
   * The DI container to register into; a child of tsyringe's root container by default. Pass your own child
   * container to add your services next to core's.
   */
  readonly container?: DependencyContainer;
}

/**
 * A running scheduler: the services the REST API uses, one object. Applications, deployments, cluster views,
 * endpoints and events exist only with a Mesos driver; without one they throw `NoCluster` (1405905).
 */
export interface Scheduler extends AsyncDisposable {
  readonly container: DependencyContainer;
  readonly configMaps: ConfigMapService;
  readonly secrets: SecretService;
  readonly services: ServiceService;
  readonly agentSettings: AgentSettingService;
  readonly customResources: CustomResourceService;
  readonly admissionWebhooks: AdmissionWebhookService;
  readonly applications: ApplicationService;
  readonly deployments: DeploymentService;
  readonly cluster: ClusterService;
  readonly endpoints: EndpointService;
  /** Subscriptions to the event log: `for await (const message of scheduler.events.subscribe({...}))`. */
  readonly events: EventService;
  /** Commands in containers and image commits, with their records (BCS executor only). */
  readonly commands: CommandTracker;
  /** Messages and signals to taskgroups' executors (BCS executor only). */
  readonly messages: MessageService;
  /** Health results from outside reporters (`POST /healthcheck`). */
  readonly health: HealthService;
  /** True when a Mesos driver was given. */
  readonly scheduling: boolean;
  /** Stops the engine and the deployment controller and disposes the container. The store stays open. */
  close(): Promise<void>;
}

/**
 * Creates and starts a scheduler: opens the store, registers core in a child container, loads the state,
 * subscribes to Mesos through the driver and starts driving deployments. The embedding entry point:
 *
 * ```ts
 * const scheduler = await createScheduler({ store: createMemoryStore(), driver: cluster });
 * await scheduler.applications.create('default', definition);
 * for await (const message of scheduler.events.subscribe({ namespace: 'default' })) console.log(message);
 * await scheduler.close();
 * ```
 */
export async function createScheduler(options: SchedulerOptions): Promise<Scheduler> {
  const { container: given, ...overrides } = options;
  await overrides.store.open();
  const container = registerCore(given ?? rootContainer.createChildContainer(), overrides);
  const scheduling = overrides.driver !== undefined;
  const engine = scheduling ? container.resolve(SchedulerEngine) : undefined;
  // The tracker loads its records and listens before the engine subscribes, so no executor answer is missed.
  const tracker = scheduling ? container.resolve(CommandTracker) : undefined;
  await tracker?.start();
  await engine?.start();
  const controller = scheduling ? container.resolve(DeploymentController) : undefined;
  controller?.start();
  const checker = scheduling ? container.resolve(RemoteHealthChecker) : undefined;
  checker?.start();
  const needsCluster = <T>(service: new (...args: never[]) => T): T =>
    scheduling ? container.resolve(service as never) : noCluster<T>(service.name);
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      controller?.dispose();
      await tracker?.dispose();
      await checker?.dispose();
      await engine?.dispose();
      await container.dispose();
    })();
    return closing;
  };
  return {
    container,
    configMaps: container.resolve(ConfigMapService),
    secrets: container.resolve(SecretService),
    services: container.resolve(ServiceService),
    agentSettings: container.resolve(AgentSettingService),
    customResources: container.resolve(CustomResourceService),
    admissionWebhooks: container.resolve(AdmissionWebhookService),
    applications: needsCluster(ApplicationService),
    deployments: needsCluster(DeploymentService),
    cluster: needsCluster(ClusterService),
    endpoints: needsCluster(EndpointService),
    events: needsCluster(EventService),
    commands: needsCluster(CommandTracker),
    messages: needsCluster(MessageService),
    health: needsCluster(HealthService),
    scheduling,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A stand-in whose every method throws `NoCluster`. */
function noCluster<T>(name: string): T {
  return new Proxy({} as object, {
    get(_target, property) {
      if (property === 'then') return undefined;
      return () => {
        throw new BcsError(
          ErrorCode.NoCluster,
          `${name}.${String(property)} needs a Mesos cluster: pass a driver to createScheduler`,
        );
      };
    },
  }) as T;
}
