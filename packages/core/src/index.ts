// The Reflect polyfill must load once, before any decorator metadata is read (tsyringe README).
import 'reflect-metadata';

export * from './admission/json-patch.js';
export * from './admission/plan.js';
export * from './auth/principal.js';
export * from './commands/targets.js';
export * from './container.js';
export * from './convert/index.js';
export * from './create-scheduler.js';
export { systemClock } from './defaults/system-clock.js';
export { createSystemIds } from './defaults/system-ids.js';
export * from './deployments/app-definition.js';
export { NO_APP, observeApp } from './deployments/apply.js';
export {
  DEPLOYMENT_TICK_MS,
  DeploymentController,
  withRollout,
} from './deployments/deployment-controller.js';
export * from './deployments/record.js';
export * from './engine/app-controller.js';
export {
  type EngineLinkStatus,
  type EngineOptions,
  EngineOptionsToken,
  NO_FRAMEWORK_ID_REASON,
  RECONCILE_CHUNK,
  SchedulerEngine,
} from './engine/engine.js';
export { statusOfExecutorMessage } from './engine/executor-health.js';
export * from './engine/keys.js';
export type * from './engine/ports.js';
export { type AppState, Changes, SchedulerState } from './engine/state.js';
export * from './errors.js';
export * from './events/index.js';
export * from './health/remote-checker.js';
export * from './health/remote-target.js';
export * from './messages/bcs-message.js';
export * from './ports/index.js';
export type { AdmissionWebhook } from './resources/admission-webhook.js';
export type { AgentSetting, ScalarValue, TextValue } from './resources/agent-setting.js';
export { AGENT_SETTING_COLLECTION, compareIpv4, newAgentSetting } from './resources/agent-setting.js';
export type { Application, ApplicationStatus, AppOperation } from './resources/app.js';
export * from './resources/application.js';
export * from './resources/command.js';
export type { ConfigMap } from './resources/configmap.js';
export {
  CRD_COLLECTION,
  CRD_PLURAL_COLLECTION,
  type CrdScope,
  CUSTOM_RESOURCE_COLLECTION,
  type CustomResource,
  type CustomResourceDefinition,
  type CustomResourceRef,
  customResourceKey,
  customResourcePrefix,
  resolveCustomResourcePath,
} from './resources/custom-resource.js';
export * from './resources/deployment.js';
export * from './resources/health.js';
export * from './resources/ids.js';
export type { NamespacedKind } from './resources/kind.js';
export * from './resources/meta.js';
export type { Secret } from './resources/secret.js';
export type { Service } from './resources/service.js';
export type {
  CapturedAttributes,
  PortMapping,
  Task,
  TaskGroup,
  TaskGroupStatus,
  TaskStatus,
} from './resources/taskgroup.js';
export type {
  ConfigMapRefSpec,
  ContainerSpec,
  DataItemSpec,
  PortSpec,
  RestartPolicySpec,
  SecretRefSpec,
  Version,
} from './resources/version.js';
export * from './rollout/index.js';
export * from './scheduler/index.js';
export { type AdmissionRequest, AdmissionService } from './services/admission-service.js';
export { AdmissionWebhookService } from './services/admission-webhook-service.js';
export {
  AGENT_SETTING_RETRIES,
  AgentSettingService,
  type AgentSettingsSink,
  AgentSettingsSinkToken,
  directAgentSettingsSink,
} from './services/agent-setting-service.js';
export { ApplicationService, type ApplicationView } from './services/application-service.js';
export {
  type AgentResources,
  type BcsAgentAttribute,
  type ClusterResources,
  ClusterService,
  type OfferView,
} from './services/cluster-service.js';
export * from './services/command-tracker.js';
export { ConfigMapService } from './services/configmap-service.js';
export { CUSTOM_RESOURCE_RETRIES, CustomResourceService } from './services/custom-resource-service.js';
export {
  type DataKind,
  type DataReferenceGuard,
  DataReferenceGuardToken,
} from './services/data-references.js';
export { DeploymentService, type DeploymentView } from './services/deployment-service.js';
export * from './services/endpoint-service.js';
export { EventService, SNAPSHOT_CHUNK } from './services/event-service.js';
export * from './services/health-service.js';
export {
  MESSAGE_TYPES,
  type MessageResult,
  MessageService,
  parseMessageBody,
  type TaskGroupMessageResult,
} from './services/message-service.js';
export {
  type DeleteOptions,
  NamespacedResourceService,
  type Stored,
} from './services/namespaced-resource-service.js';
export { SecretService } from './services/secret-service.js';
export { ServiceService } from './services/service-service.js';
export * from './status/index.js';
export * from './store/index.js';
export * from './tokens.js';
// The request schemas (TypeBox, i.e. JSON Schema) of the declarative kinds, for API descriptions (OpenAPI).
export { AdmissionWebhookSchema } from './validation/admission-webhook.js';
export {
  type AgentSettingDefinition,
  AgentSettingSchema,
  type AgentSettingUpdateDefinition,
  AgentSettingUpdateSchema,
  type AgentTaintDefinition,
  AgentTaintSchema,
  AgentValueType,
  checkIpList,
  parseIpList,
} from './validation/agent-setting.js';
export * from './validation/application.js';
export { isPlainObject } from './validation/canonical-keys.js';
export * from './validation/command.js';
export { ConfigMapSchema } from './validation/configmap.js';
export * from './validation/constraint.js';
export type {
  CustomResourceDefinitionInput,
  CustomResourceInput,
  CustomResourceTarget,
} from './validation/custom-resource.js';
export { CustomResourceDefinitionSchema, CustomResourceSchema } from './validation/custom-resource.js';
export * from './validation/deployment.js';
export * from './validation/limits.js';
export * from './validation/pod-template.js';
export * from './validation/rules.js';
export { SecretSchema } from './validation/secret.js';
export { ServiceSchema } from './validation/service.js';
export { createValidator, type Validator } from './validation/validate.js';
