export {
  buildOpenApiDocument,
  defaultsOptional,
  EVENTS_PATH,
  koaPathToOpenApi,
  OPENAPI_PATHS,
  OPENAPI_SCHEMAS,
  type OpenApiDocumentOptions,
  type RegisteredRoute,
  registeredRoutes,
} from './document.js';
export { type OperationSpec, type QueryParam, type SchemaUse, V4_OPERATIONS } from './operations.js';
export { createOpenApiRoutes } from './route.js';
export * from './schemas.js';
