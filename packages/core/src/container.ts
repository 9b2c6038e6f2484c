import type { DependencyContainer } from 'tsyringe';

// tsyringe's `constructor<T>` type, widened so one loop can register classes of different shapes.
// biome-ignore lint/suspicious/noExplicitAny: constructor parameters are resolved by tsyringe.
type InjectableClass = new (...args: any[]) => object;

import { systemClock } from './defaults/system-clock.js';
import { createSystemIds } from './defaults/system-ids.js';
import { DeploymentController } from './deployments/deployment-controller.js';
import { type EngineOptions, EngineOptionsToken, SchedulerEngine } from './engine/engine.js';
import { EventLog, type EventRetention, EventRetentionToken } from './events/event-log.js';
import {
  type HealthCheckOptions,
  HealthCheckOptionsToken,
  RemoteHealthChecker,
} from './health/remote-checker.js';
import { type Clock, ClockToken } from './ports/clock.js';
import { type IdGenerator, IdGeneratorToken } from './ports/id-generator.js';
import { type Logger, LoggerToken, silentLogger } from './ports/logger.js';
import { type MesosDriver, MesosDriverToken } from './ports/mesos-driver.js';
import { type Outbound, OutboundToken, unavailableOutbound } from './ports/outbound.js';
import { type Store, StoreToken } from './ports/store.js';
import { AdmissionService } from './services/admission-service.js';
import { AdmissionWebhookService } from './services/admission-webhook-service.js';
import {
  AgentSettingService,
  AgentSettingsSinkToken,
  directAgentSettingsSink,
} from './services/agent-setting-service.js';
import { ApplicationService } from './services/application-service.js';
import { ClusterService } from './services/cluster-service.js';
import {
  CommandTracker,
  type CommandTrackerOptions,
  CommandTrackerOptionsToken,
} from './services/command-tracker.js';
import { ConfigMapService } from './services/configmap-service.js';
import { CustomResourceService } from './services/custom-resource-service.js';
import {
  DataReferenceGuardToken,
  engineDataReferenceGuard,
  noDataReferenceGuard,
} from './services/data-references.js';
import { DeploymentService } from './services/deployment-service.js';
import { EndpointService } from './services/endpoint-service.js';
import { EventService } from './services/event-service.js';
import { HealthService } from './services/health-service.js';
import { MessageService } from './services/message-service.js';
import { SecretService } from './services/secret-service.js';
import { ServiceService } from './services/service-service.js';
import { type SchedulerLimits, SchedulerLimitsToken } from './validation/limits.js';

/** What `registerCore` needs from the caller. Only the store is required. */
export interface CoreOverrides {
  readonly store: Store;
  /** Default: the wall clock. */
  readonly clock?: Clock;
  /** Default: nanosecond ids from the clock and random UUIDs. */
  readonly ids?: IdGenerator;
  /** Default: a logger that drops everything. */
  readonly logger?: Logger;
  /**
   * The Mesos driver (a real master or a `SimulatedCluster`). Without one, the declarative resources work but
   * the scheduler (`schedulerServices`) is not registered.
   */
  readonly driver?: MesosDriver;
  /** Settings of the scheduler engine (cluster name, tick, reconcile period). */
  readonly engine?: EngineOptions;
  /** How much event history is kept (count, age, in memory). */
  readonly events?: EventRetention;
  /** Limits an operator may raise (max instances per application or deployment). */
  readonly limits?: SchedulerLimits;
  /**
   * Calls to the outside (admission webhooks): `createHttpOutbound()` from `@bcs/outbound-http`. Default: every
   * call fails as unreachable, so webhooks with `failurePolicy: Fail` refuse and `Ignore` ones are skipped.
   */
  readonly outbound?: Outbound;
  /** Settings of the command tracker (answer timeout, output bound). */
  readonly commands?: CommandTrackerOptions;
  /** Settings of the remote health checks the scheduler runs (through `outbound`). */
  readonly healthChecks?: HealthCheckOptions;
}

/** The services that need a Mesos driver; registered only when `driver` is given. */
export const schedulerServices = [
  EventLog,
  EventService,
  SchedulerEngine,
  ApplicationService,
  ClusterService,
  EndpointService,
  DeploymentController,
  DeploymentService,
  CommandTracker,
  MessageService,
  RemoteHealthChecker,
  HealthService,
] as const;

/** Every service class core registers; transports resolve these. */
export const coreServices = [
  ConfigMapService,
  SecretService,
  ServiceService,
  AgentSettingService,
  CustomResourceService,
  AdmissionWebhookService,
  AdmissionService,
] as const;

/**
 * The only DI wiring of core: registers the ports as values and every service as a singleton in `container`.
 * Pass a child container (`container.createChildContainer()`), never tsyringe's global one, so that two
 * schedulers (or two tests) in one process never share state.
 */
export function registerCore(container: DependencyContainer, overrides: CoreOverrides): DependencyContainer {
  const clock = overrides.clock ?? systemClock;
  container.register(StoreToken, { useValue: overrides.store });
  container.register(ClockToken, { useValue: clock });
  container.register(IdGeneratorToken, { useValue: overrides.ids ?? createSystemIds(clock) });
  container.register(LoggerToken, { useValue: overrides.logger ?? silentLogger });
  container.register(SchedulerLimitsToken, { useValue: overrides.limits ?? {} });
  container.register(OutboundToken, { useValue: overrides.outbound ?? unavailableOutbound });
  for (const service of coreServices) container.registerSingleton(service as InjectableClass);
  container.register(AgentSettingsSinkToken, { useValue: directAgentSettingsSink });
  container.register(DataReferenceGuardToken, { useValue: noDataReferenceGuard });
  if (overrides.driver !== undefined) {
    // Agent-setting writes run in the engine's queue and update its settings in the same turn.
    container.register(AgentSettingsSinkToken, { useFactory: (c) => c.resolve(SchedulerEngine) });
    // Configmap and secret deletes check the engine's applications, in its queue.
    container.register(DataReferenceGuardToken, {
      useFactory: (c) => engineDataReferenceGuard(c.resolve(SchedulerEngine)),
    });
    container.register(MesosDriverToken, { useValue: overrides.driver });
    container.register(EngineOptionsToken, { useValue: overrides.engine ?? {} });
    container.register(EventRetentionToken, { useValue: overrides.events ?? {} });
    container.register(CommandTrackerOptionsToken, { useValue: overrides.commands ?? {} });
    container.register(HealthCheckOptionsToken, { useValue: overrides.healthChecks ?? {} });
    for (const service of schedulerServices) container.registerSingleton(service as InjectableClass);
  }
  return container;
}
