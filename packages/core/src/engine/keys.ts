/**
 * Store collections and keys of the scheduler's records. Every multi-record change is one atomic batch.
 *
 * | collection    | key                         | value          |
 * | ------------- | --------------------------- | -------------- |
 * | `application` | `<ns>/<app>`                | `Application`  |
 * | `version`     | `<ns>/<app>/<versionId>`    | `Version`      |
 * | `taskgroup`   | `<ns>/<app>/<taskGroupId>`  | `TaskGroup`    |
 * | `framework`   | `id`                        | the Mesos framework id (string) |
 */
export const Collections = {
  application: 'application',
  version: 'version',
  taskGroup: 'taskgroup',
  framework: 'framework',
} as const;

export const appKey = (namespace: string, appId: string): string => `${namespace}/${appId}`;
export const appPrefix = (namespace: string, appId: string): string => `${namespace}/${appId}/`;
export const versionKey = (namespace: string, appId: string, versionId: string): string =>
  `${namespace}/${appId}/${versionId}`;
export const taskGroupKey = (namespace: string, appId: string, taskGroupId: string): string =>
  `${namespace}/${appId}/${taskGroupId}`;
export const FRAMEWORK_ID_KEY = 'id';
