// The Reflect polyfill must load once, before any decorator metadata is read (tsyringe README).
import 'reflect-metadata';

export * from './container.js';
export { systemClock } from './defaults/system-clock.js';
export { createSystemIds } from './defaults/system-ids.js';
export * from './errors.js';
export * from './ports/index.js';
export type { AdmissionWebhook } from './resources/admission-webhook.js';
export type { AgentSetting, ScalarValue, TextValue } from './resources/agent-setting.js';
export type { ConfigMap } from './resources/configmap.js';
export type { CustomResource, CustomResourceDefinition, CustomResourceRef } from './resources/custom-resource.js';
export type { NamespacedKind } from './resources/kind.js';
export * from './resources/meta.js';
export type { Secret } from './resources/secret.js';
export type { Service } from './resources/service.js';
export { AdmissionWebhookService } from './services/admission-webhook-service.js';
export { AgentSettingService } from './services/agent-setting-service.js';
export { ConfigMapService } from './services/configmap-service.js';
export { CustomResourceService } from './services/custom-resource-service.js';
export { NamespacedResourceService, type Stored } from './services/namespaced-resource-service.js';
export { SecretService } from './services/secret-service.js';
export { ServiceService } from './services/service-service.js';
export { isPlainObject } from './validation/canonical-keys.js';
export * from './validation/rules.js';
export { createValidator, type Validator } from './validation/validate.js';
export * from './tokens.js';
