import type { CapturedAttributes, TaskGroup } from '../resources/taskgroup.js';
import { isLive } from '../status/lifecycle.js';
import { INNER_IP_ATTRIBUTE } from './offer.js';

/**
 * The taskgroups constraint checks count, indexed so that each check is O(1) per offer: per application, the
 * live count and, per attribute, how many live taskgroups stored each value (built on first use); per label,
 * the hosts where other applications run (for EXCLUDE, built on first use).
 */

/** `namespace/appId`, the key the index groups by. */
export function appKey(namespace: string, appId: string): string {
  return `${namespace}/${appId}`;
}

/**
 * The comparable form of a stored attribute value: texts and scalars never equal each other.
 * Examples: `'10.0.0.1'` → `s:10.0.0.1`; `2` → `n:2`.
 */
export function valueKey(value: string | number): string {
  return typeof value === 'number' ? `n:${value}` : `s:${value}`;
}

/** Application labels by namespace and id; undefined when unknown (it then matches no EXCLUDE item). */
export type AppLabels = (namespace: string, appId: string) => Readonly<Record<string, string>> | undefined;

interface Entry {
  readonly hostname: string;
  readonly agentIp: string | undefined;
  readonly attributes: CapturedAttributes;
}

class AppLive {
  readonly entries: Entry[] = [];
  readonly byAttr = new Map<string, Map<string, number>>();
}

interface LabelledHost {
  readonly app: string;
  readonly hostname: string;
  readonly labels: Readonly<Record<string, string>> | undefined;
}

/** See the module comment. Built from all live taskgroups of the cluster; grows with `add`. */
export class LiveIndex {
  private readonly apps = new Map<string, AppLive>();
  private readonly hosts: LabelledHost[] = [];
  /** `labelKey\0labelValue` → hostname → app → count. */
  private byLabel: Map<string, Map<string, Map<string, number>>> | undefined;

  /** The taskgroups given to the constructor, indexed on first use (see `ensure`); undefined once indexed. */
  private source: readonly TaskGroup[] | undefined;
  /** How many of `source` were given: the caller may append to its array afterwards. */
  private readonly sourceLength: number;
  /** Placements added before the first query, applied by `ensure` after `source`. */
  private queued: Parameters<LiveIndex['add']>[] = [];

  constructor(
    live: readonly TaskGroup[],
    private readonly appLabels: AppLabels,
  ) {
    // Indexed on first use: a placement pass creates a context per application, and most applications have no
    // constraint that asks (with 20 000 live taskgroups, indexing them all in every pass cost a visible share
    // of a large create).
    this.source = live;
    this.sourceLength = live.length;
  }

  /** Indexes the constructor's taskgroups, once. */
  private ensure(): void {
    const live = this.source;
    if (live === undefined) return;
    this.source = undefined;
    for (let i = 0; i < this.sourceLength; i++) {
      const tg = live[i]!;
      if (!isLive(tg)) continue;
      const app = appKey(tg.namespace, tg.appId);
      this.appOf(app).entries.push({
        hostname: tg.hostname as string,
        agentIp: tg.agentIp,
        attributes: tg.attributes,
      });
      this.hosts.push({ app, hostname: tg.hostname as string, labels: undefined });
    }
    const queued = this.queued;
    this.queued = [];
    for (const args of queued) this.add(...args);
  }

  /** Live taskgroups of `app`. */
  liveCount(app: string): number {
    this.ensure();
    return this.apps.get(app)?.entries.length ?? 0;
  }

  /** Live taskgroups of `app` whose attribute `name` has the value `key` (a {@link valueKey}). */
  valueCount(app: string, name: string, key: string): number {
    this.ensure();
    const live = this.apps.get(app);
    if (live === undefined) return 0;
    let values = live.byAttr.get(name);
    if (values === undefined) {
      values = new Map();
      for (const entry of live.entries) bump(values, entryValue(entry, name));
      live.byAttr.set(name, values);
    }
    return values.get(key) ?? 0;
  }

  /**
   * Whether an application other than `app` whose labels contain `labelKey=labelValue` has a live taskgroup
   * on `hostname` (EXCLUDE, §3.4). Applications without known labels match nothing.
   */
  excludedBy(labelKey: string, labelValue: string, hostname: string, app: string): boolean {
    this.ensure();
    const apps = this.labelIndex().get(`${labelKey}\0${labelValue}`)?.get(hostname);
    if (apps === undefined) return false;
    return apps.size > 1 || !apps.has(app);
  }

  /** Counts a new placement of `app` on `hostname` with the `attributes` it captured and its `labels`. */
  add(
    app: string,
    hostname: string,
    agentIp: string | undefined,
    attributes: CapturedAttributes,
    labels: Readonly<Record<string, string>>,
  ): void {
    if (this.source !== undefined) {
      this.queued.push([app, hostname, agentIp, attributes, labels]);
      return;
    }
    const live = this.appOf(app);
    const entry: Entry = { hostname, agentIp, attributes };
    live.entries.push(entry);
    for (const [name, values] of live.byAttr) bump(values, entryValue(entry, name));
    const host: LabelledHost = { app, hostname, labels };
    this.hosts.push(host);
    if (this.byLabel !== undefined) indexHost(this.byLabel, host, labels);
  }

  private appOf(app: string): AppLive {
    let live = this.apps.get(app);
    if (live === undefined) {
      live = new AppLive();
      this.apps.set(app, live);
    }
    return live;
  }

  private labelIndex(): Map<string, Map<string, Map<string, number>>> {
    if (this.byLabel !== undefined) return this.byLabel;
    const index = new Map<string, Map<string, Map<string, number>>>();
    const labels = new Map<string, Readonly<Record<string, string>> | undefined>();
    for (const host of this.hosts) {
      if (host.labels !== undefined) {
        indexHost(index, host, host.labels);
        continue;
      }
      if (!labels.has(host.app)) {
        const slash = host.app.indexOf('/');
        labels.set(host.app, this.appLabels(host.app.slice(0, slash), host.app.slice(slash + 1)));
      }
      const found = labels.get(host.app);
      if (found !== undefined) indexHost(index, host, found);
    }
    this.byLabel = index;
    return index;
  }
}

function entryValue(entry: Entry, name: string): string | undefined {
  const value = entry.attributes[name];
  if (value !== undefined) return valueKey(value);
  // Taskgroups stored before a constraint named the attribute still know their host and IP.
  if (name === 'hostname') return valueKey(entry.hostname);
  if (name === INNER_IP_ATTRIBUTE && entry.agentIp !== undefined) return valueKey(entry.agentIp);
  return undefined;
}

function bump(values: Map<string, number>, key: string | undefined): void {
  if (key !== undefined) values.set(key, (values.get(key) ?? 0) + 1);
}

function indexHost(
  index: Map<string, Map<string, Map<string, number>>>,
  host: LabelledHost,
  labels: Readonly<Record<string, string>>,
): void {
  for (const [key, value] of Object.entries(labels)) {
    const label = `${key}\0${value}`;
    let hosts = index.get(label);
    if (hosts === undefined) {
      hosts = new Map();
      index.set(label, hosts);
    }
    let apps = hosts.get(host.hostname);
    if (apps === undefined) {
      apps = new Map();
      hosts.set(host.hostname, apps);
    }
    apps.set(host.app, (apps.get(host.app) ?? 0) + 1);
  }
}
