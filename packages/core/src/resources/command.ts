import {
  type CommandDefinition,
  type CommandTargetKind,
  DEFAULT_COMMAND_RESERVE_MINUTES,
} from '../validation/command.js';

export type { CommandDefinition, CommandTargetKind, CommandUrlKind } from '../validation/command.js';

/**
 * Minutes a command record is kept: `reserveTime`, or the 7-day default (10 080) when it is 0, which is what
 * the original stored for "not given" (spec/api-v4.md getCommand, spec/bcs-behaviour.md §8.5).
 *
 * Examples: 60 → 60; 0 → 10 080; 10 080 → 10 080.
 */
export function commandReserveMinutes(spec: Pick<CommandDefinition['spec'], 'reserveTime'>): number {
  return spec.reserveTime > 0 ? spec.reserveTime : DEFAULT_COMMAND_RESERVE_MINUTES;
}

/**
 * When a command record may be deleted, in epoch milliseconds: creation time plus
 * {@link commandReserveMinutes}. Example: created at 0 with `reserveTime` 60 → 3 600 000.
 */
export function commandExpiresAt(
  createdAtMs: number,
  spec: Pick<CommandDefinition['spec'], 'reserveTime'>,
): number {
  return createdAtMs + commandReserveMinutes(spec) * 60_000;
}

/**
 * A command's id as the original formats it (spec/bcs-behaviour.md §8.5): `Application-<ns>-<name>-<nanos>`
 * or, all lowercase, `deployment-<ns>-<name>-<nanos>`. Kept for clients that match the document's ids; it is
 * only ever looked up whole (`?id=`), never parsed, since names may contain `-`.
 *
 * Examples: (`Application`, `test`, `testapp`, `1547437542873435715`) →
 * `Application-test-testapp-1547437542873435715`; (`Deployment`, `ns`, `web`, `1`) → `deployment-ns-web-1`.
 */
export function commandId(kind: CommandTargetKind, namespace: string, name: string, nanos: string): string {
  const prefix = kind === 'Application' ? 'Application' : 'deployment';
  return `${prefix}-${namespace}-${name}-${nanos}`;
}
