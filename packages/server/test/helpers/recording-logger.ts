import type { Logger } from '@bcs/core';

/** A logger that keeps the fields of every error line in `lines` and drops the rest. */
export function recordingLogger(lines: Record<string, unknown>[]): Logger {
  const keep = (fields: object) => lines.push(fields as Record<string, unknown>);
  return { debug() {}, info() {}, warn() {}, error: keep };
}
