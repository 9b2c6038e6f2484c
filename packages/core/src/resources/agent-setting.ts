import {
  type AgentSettingDefinition,
  type AgentSettingUpdateDefinition,
  AgentValueType,
} from '../validation/agent-setting.js';

/** A text attribute value of an agent setting. */
export interface TextValue {
  value: string;
}
/** A scalar attribute value of an agent setting. */
export interface ScalarValue {
  value: number;
}

/**
 * Per-agent scheduling settings, keyed by `innerIP` (spec/bcs-behaviour.md §13.1). `strings` and `scalars`
 * become offer attributes, `noSchedule` taints the agent, `disabled` stops new placements.
 */
export interface AgentSetting {
  innerIP: string;
  disabled: boolean;
  strings: Record<string, TextValue>;
  scalars: Record<string, ScalarValue>;
  noSchedule: Record<string, string>;
}

/** The store collection of agent settings; the key is the agent's InnerIP (`10.0.0.1`). */
export const AGENT_SETTING_COLLECTION = 'agentsetting';

/** The setting an IP has before anything was written for it: enabled, no attributes, no taints. */
export function newAgentSetting(innerIP: string): AgentSetting {
  return { innerIP, disabled: false, strings: {}, scalars: {}, noSchedule: {} };
}

/**
 * The stored form of a validated `POST /agentsettings` entry: exactly the five fields, left-out maps as `{}`,
 * so unknown keys a client sent (the original's `pods`, `ExtendedResources`) are not stored.
 */
export function toAgentSetting(definition: AgentSettingDefinition): AgentSetting {
  return {
    innerIP: definition.innerIP,
    disabled: definition.disabled,
    strings: { ...definition.strings },
    scalars: { ...definition.scalars },
    noSchedule: { ...definition.noSchedule },
  };
}

/**
 * Sets one attribute, as `POST /agentsettings/update` does for each IP: valuetype 101 writes
 * `scalars[name] = {value: scalar.value}`, 103 writes `strings[name] = {value: text.value}`. Other attributes
 * are kept; an attribute of the same name but the other type is kept too (the original behaved the same).
 * Returns a new setting.
 */
export function applyAttribute(setting: AgentSetting, update: AgentSettingUpdateDefinition): AgentSetting {
  if (update.valuetype === AgentValueType.Scalar && update.scalar !== undefined) {
    return { ...setting, scalars: { ...setting.scalars, [update.name]: { value: update.scalar.value } } };
  }
  if (update.valuetype === AgentValueType.Text && update.text !== undefined) {
    return { ...setting, strings: { ...setting.strings, [update.name]: { value: update.text.value } } };
  }
  return setting;
}

/**
 * Orders IPv4 addresses numerically, octet by octet: `10.0.0.2` before `10.0.0.10` (string order would put
 * it after). Both arguments must be dotted quads.
 */
export function compareIpv4(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
