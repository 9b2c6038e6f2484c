import { ConfigMapService, SecretService, ServiceService } from '@bcs/core';
import type Router from '@koa/router';
import { redactCredentials } from '../mappers/redact.js';
import { createAdmissionWebhookRoutes } from './admission-webhooks.js';
import { createAgentSettingRoutes } from './agent-settings.js';
import { createApplicationRoutes } from './applications.js';
import { createClusterRoutes } from './cluster.js';
import { createCommandRoutes } from './commands.js';
import { createCustomResourceRoutes } from './custom-resources.js';
import { createDeploymentRoutes } from './deployments.js';
import type { RouteDeps } from './deps.js';
import { createEndpointRoutes } from './endpoints.js';
import { createHealthRoutes } from './health.js';
import { createNamespacedRoutes } from './namespaced.js';
import { createNotImplementedRoutes } from './not-implemented.js';

/** The prefixes the v4 API is served under: direct, and behind the bcs-api gateway. */
export const V4_PREFIXES = ['/v4/scheduler/mesos', '/bcsapi/v4/scheduler/mesos'] as const;

/** Every v4 route family under `deps.prefix`. Families are mounted in this order; the 501 table comes last. */
export function createV4Routes(deps: RouteDeps): Router[] {
  const { container } = deps;
  return [
    createEndpointRoutes(deps),
    createNamespacedRoutes(
      ['/namespaces/:ns/configmaps'],
      container.resolve(ConfigMapService),
      deps,
      redactCredentials,
    ),
    createNamespacedRoutes(['/namespaces/:ns/secrets'], container.resolve(SecretService), deps),
    createNamespacedRoutes(['/namespaces/:ns/services'], container.resolve(ServiceService), deps),
    createAgentSettingRoutes(deps),
    createCustomResourceRoutes(deps),
    createAdmissionWebhookRoutes(deps),
    createApplicationRoutes(deps),
    createDeploymentRoutes(deps),
    createClusterRoutes(deps),
    createCommandRoutes(deps),
    createHealthRoutes(deps),
    createNotImplementedRoutes(deps),
  ];
}
