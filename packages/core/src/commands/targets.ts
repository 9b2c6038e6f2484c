import type { AppState } from '../engine/app-state.js';
import type { ExecutorMode, StateView } from '../engine/ports.js';
import { BcsError, ErrorCode, type Issue, NotFoundError, ValidationError } from '../errors.js';
import type { CommandDefinition, CommandUrlKind } from '../resources/command.js';
import type { TaskGroup } from '../resources/taskgroup.js';

/**
 * Which taskgroups and tasks a command, message or commit goes to, decided from the engine's state (pure).
 */

/** One taskgroup a command targets, with the ids of the tasks it runs in (after the image filter). */
export interface TargetTaskGroup {
  readonly taskGroup: TaskGroup;
  readonly tasks: readonly string[];
}

/**
 * Refuses with 409 (code `Conflict`) unless taskgroups run under the BCS executor: Mesos' DEFAULT executor
 * ignores framework MESSAGEs, so a command, message or commit could never arrive (issue 12 §1).
 */
export function assertBcsExecutor(executor: ExecutorMode, what: string): void {
  if (executor.kind === 'bcs') return;
  throw new BcsError(
    ErrorCode.Conflict,
    `${what} need the BCS executor: this scheduler runs taskgroups with the Mesos DEFAULT executor (executor mode "${executor.kind}"), which ignores framework messages; start it with --executor bcs`,
  );
}

/**
 * The applications a command's URL names: the application itself, or every application of the deployment
 * (the current one, and the new one during a rolling update, as the original). 404 when there is none.
 */
export function targetApps(
  state: StateView,
  urlKind: CommandUrlKind,
  namespace: string,
  name: string,
): AppState[] {
  if (urlKind === 'application') {
    const app = state.get(namespace, name);
    if (app === undefined) throw new NotFoundError(`application ${namespace}/${name}`);
    return [app];
  }
  const apps = [...state.apps.values()].filter(
    (app) => app.app.namespace === namespace && app.app.owner?.name === name,
  );
  if (apps.length === 0)
    throw new NotFoundError(`deployment ${namespace}/${name} (no application serves it)`);
  return apps;
}

/**
 * The taskgroups and tasks a command runs in (spec/bcs-behaviour.md §8.5): `spec.taskgroups` when given (each
 * must be a taskgroup of the target: 400 naming `spec.taskgroups[i]`), else every placed taskgroup of the
 * target; in each, the tasks whose image contains `commandTargetRef.image` when given. Refused with 400
 * (code `ParameterError`) naming the field when no task is left or no taskgroup is Running.
 */
export function commandTargets(
  state: StateView,
  urlKind: CommandUrlKind,
  spec: CommandDefinition['spec'],
): TargetTaskGroup[] {
  const ref = spec.commandTargetRef;
  const apps = targetApps(state, urlKind, ref.namespace, ref.name);
  const all = new Map<string, TaskGroup>();
  for (const app of apps) {
    for (const taskGroup of app.taskGroups.values()) {
      if (taskGroup.status !== 'Pending') all.set(taskGroup.id, taskGroup);
    }
  }
  let chosen: TaskGroup[];
  if (spec.taskgroups === undefined) {
    chosen = [...all.values()].sort((a, b) => a.index - b.index);
  } else {
    const issues: Issue[] = [];
    chosen = [];
    for (const [i, id] of spec.taskgroups.entries()) {
      const taskGroup = all.get(id);
      if (taskGroup === undefined) {
        issues.push({
          path: `spec.taskgroups[${i}]`,
          rule: `must be a placed taskgroup of ${urlKind} ${ref.namespace}/${ref.name}`,
        });
      } else if (!chosen.includes(taskGroup)) chosen.push(taskGroup);
    }
    if (issues.length > 0) throw new ValidationError('command', issues, ErrorCode.ParameterError);
  }
  const image = ref.image;
  const targets = chosen
    .map((taskGroup) => ({
      taskGroup,
      tasks: taskGroup.tasks
        .filter((task) => image === undefined || image === '' || task.image.includes(image))
        .map((task) => task.id),
    }))
    .filter((target) => target.tasks.length > 0);
  if (targets.length === 0) {
    const path =
      image !== undefined && image !== '' && chosen.length > 0
        ? 'spec.commandTargetRef.image'
        : 'spec.commandTargetRef.name';
    throw new ValidationError(
      'command',
      [{ path, rule: 'matches no container to run the command in' }],
      ErrorCode.ParameterError,
    );
  }
  if (!targets.some((target) => target.taskGroup.status === 'Running')) {
    throw new ValidationError(
      'command',
      [
        {
          path: spec.taskgroups === undefined ? 'spec.commandTargetRef.name' : 'spec.taskgroups',
          rule: 'has no Running taskgroup',
        },
      ],
      ErrorCode.ParameterError,
    );
  }
  return targets;
}
