export { type AdmissionWebhookBody, anAdmissionWebhook } from './admission-webhook.js';
export {
  type AgentSettingBody,
  aListedAgentSetting,
  anAgentSetting,
  anAgentSettingUpdate,
  anAgentTaintList,
} from './agent-setting.js';
export { type ApplicationBody, aContainer, anApplication } from './application.js';
export {
  aCommand,
  COMMAND_RECORD_ADDITIONS,
  COMMAND_RECORD_EXAMPLE,
  type CommandBody,
  commandRecordShapeDifferences,
  type Json,
} from './command.js';
export { aConfigMap, type ConfigMapBody } from './configmap.js';
export {
  aBkLogConfig,
  aBkLogConfigDefinition,
  aCustomResourceDefinition,
  type CustomResourceBody,
} from './crd.js';
export { type DeepPartial, deepMerge, type JsonObject, type JsonValue } from './deep-merge.js';
export { aDeployment, type DeploymentBody } from './deployment.js';
export { anOffer, type OfferBody } from './offer.js';
export { aSecret, type SecretBody } from './secret.js';
export { aService, type ServiceBody } from './service.js';
