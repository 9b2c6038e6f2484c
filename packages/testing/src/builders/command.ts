import { type DeepPartial, deepMerge, type JsonObject } from './deep-merge.js';

/** A command body as a client sends it (loose JSON). */
export type CommandBody = JsonObject;

/** spec/api-v4.md sendCommand, the curl example's body, verbatim. */
const EXAMPLE: CommandBody = {
  apiVersion: 'v4',
  kind: 'Command',
  spec: {
    commandTargetRef: {
      kind: 'Application',
      namespace: 'test',
      name: 'testapp',
    },
    command: ['ps -aux'],
  },
};

/**
 * A fresh copy of the API document's sendCommand body (`ps -aux` in application `test/testapp`; post it to
 * `/command/application/test/testapp`) with `overrides` deep-merged.
 */
export function aCommand(overrides?: DeepPartial<CommandBody>): CommandBody {
  return deepMerge(EXAMPLE, overrides);
}
