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
