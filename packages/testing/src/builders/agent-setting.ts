import { type DeepPartial, deepMerge, type JsonObject, type JsonValue } from './deep-merge.js';

/** One agent setting as a client sends it (loose JSON). */
export type AgentSettingBody = JsonObject;

/** spec/api-v4.md setAgentSettingList: the one item of the example body, verbatim. */
const SETTING: AgentSettingBody = {
  innerIP: '127.0.0.1',
  disabled: false,
  strings: { attr1: { value: '1111' }, attr2: { value: '22222' } },
};

/** spec/api-v4.md getAgentSettingList: the returned item, verbatim (strings and scalars). */
const LISTED_SETTING: AgentSettingBody = {
  innerIP: '127.0.0.1',
  disabled: false,
  strings: {
    attr3: {
      value: '333333',
    },
    attr4: {
      value: '444444444',
    },
    district: {
      value: 'shenzhen',
    },
  },
  scalars: {
    attrScalar1: {
      value: 999.9,
    },
  },
};

/** spec/api-v4.md updateAgentSettingList, verbatim (the IP repeats in the document). */
const UPDATE: JsonObject = {
  ips: ['127.0.0.1', '127.0.0.1'],
  name: 'attr3',
  valuetype: 103,
  text: { value: '333333' },
};

/** spec/api-v4.md taintagents, verbatim. */
const TAINTS: JsonValue[] = [
  {
    innerIP: '127.0.0.1',
    noSchedule: {
      key1: 'value1',
    },
  },
  {
    innerIP: '127.0.0.2',
    noSchedule: {
      key1: 'value1',
    },
  },
];

/**
 * A fresh copy of the item of the API document's setAgentSettingList body (`127.0.0.1`, enabled, text
 * attributes `attr1`, `attr2`) with `overrides` deep-merged. `POST /agentsettings` takes an array of these.
 */
export function anAgentSetting(overrides?: DeepPartial<AgentSettingBody>): AgentSettingBody {
  return deepMerge(SETTING, overrides);
}

/** The item getAgentSettingList returns in the document (text `attr3`, `attr4`, `district`; scalar `attrScalar1`). */
export function aListedAgentSetting(overrides?: DeepPartial<AgentSettingBody>): AgentSettingBody {
  return deepMerge(LISTED_SETTING, overrides);
}

/** The API document's updateAgentSettingList body (text attribute `attr3` for `127.0.0.1`). */
export function anAgentSettingUpdate(overrides?: DeepPartial<JsonObject>): JsonObject {
  return deepMerge(UPDATE, overrides);
}

/** The API document's taintagents body: two agents tainted `key1=value1`. A fresh array each call. */
export function anAgentTaintList(): JsonValue[] {
  return structuredClone(TAINTS);
}
