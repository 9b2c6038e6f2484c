import type { ContainerResources, ResourceList } from '../validation/pod-template.js';

export type {
  ApplicationDefinition,
  ProcessApplicationDefinition,
  ReplicaControllerDefinition,
  RestartPolicy,
  RestartPolicyName,
} from '../validation/application.js';
export type {
  ContainerDefinition,
  ContainerResources,
  HealthCheckDefinition,
  PodTemplateDefinition,
  ProcessDefinition,
  ResourceList,
} from '../validation/pod-template.js';

/** Resources as numbers, in Mesos' units: `cpus` in cores, `mem` and `disk` in MB. */
export interface ResourceAmounts {
  readonly cpus: number;
  readonly mem: number;
  readonly disk: number;
}

/**
 * A resource quantity string as a number (spec/bcs-behaviour.md §1.2: "strings → float"). Blank or absent is
 * 0, and so is anything that is not a number (validation refuses those first; the original read them as 0).
 *
 * Examples: `"2"` → 2, `" 0.5 "` → 0.5, `".5"` → 0.5, `""` → 0, `undefined` → 0, `"abc"` → 0.
 */
export function parseResourceQuantity(value: string | undefined): number {
  const text = value?.trim() ?? '';
  if (text === '') return 0;
  const number = Number(text);
  return Number.isFinite(number) && number >= 0 ? number : 0;
}

function isBlank(value: string | undefined): boolean {
  return (value?.trim() ?? '') === '';
}

function amounts(list: ResourceList | undefined): ResourceAmounts {
  return {
    cpus: parseResourceQuantity(list?.cpu),
    mem: parseResourceQuantity(list?.memory),
    disk: parseResourceQuantity(list?.storage),
  };
}

/**
 * What a container (or process) asks for, the amounts placement reserves (spec/bcs-behaviour.md §1.2, §3.2).
 * When `requests.cpu` is blank and `limits.cpu` is set, the whole `limits` list is the request (the driver's
 * `requests := limits`); otherwise `requests` is used as given. Missing amounts are 0.
 *
 * Examples:
 * - limits `{cpu "2", memory "100"}`, no requests → `{cpus 2, mem 100, disk 0}`;
 * - requests `{cpu "0.5", memory "64"}`, limits `{cpu "1", memory "128"}` → `{cpus 0.5, mem 64, disk 0}`;
 * - requests `{cpu "", memory "64"}`, limits `{cpu "1", memory "128", storage "10"}` → `{1, 128, 10}`;
 * - requests `{memory "64"}`, no limits → `{cpus 0, mem 64, disk 0}`;
 * - no resources → `{0, 0, 0}`.
 */
export function resourceRequests(container: { readonly resources?: ContainerResources }): ResourceAmounts {
  const { requests, limits } = container.resources ?? {};
  if (isBlank(requests?.cpu) && !isBlank(limits?.cpu)) return amounts(limits);
  return amounts(requests);
}

/**
 * A container's limits as numbers (the `LimitResources` the executor enforces, spec/bcs-behaviour.md §1.2).
 * Missing amounts are 0, meaning "no limit".
 *
 * Example: limits `{cpu "0.1", memory "1"}` → `{cpus 0.1, mem 1, disk 0}`.
 */
export function resourceLimits(container: { readonly resources?: ContainerResources }): ResourceAmounts {
  return amounts(container.resources?.limits);
}
