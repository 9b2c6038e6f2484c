import type { SimAgentSpec } from '@bcs/testing/cluster';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentSettingService, type MesosAttribute } from '../../src/index.js';
import { createHarness, type Harness, smallApp } from './harness.js';

// Every constraint operator (spec/bcs-behaviour.md §3.4) and the agent-setting effects (§13.3), end to end:
// ApplicationService.create, then simulated time, then where the taskgroups ran. Rows marked §15.9 pin
// behaviour that differs from the original on purpose.

let h: Harness;
afterEach(() => h?.dispose());
const NS = 'defaultGroup';

/** A TEXT attribute when `value` is a string, SCALAR when a number. */
function attr(name: string, value: string | number): MesosAttribute {
  return typeof value === 'string'
    ? { name, type: 'TEXT', text: { value } }
    : { name, type: 'SCALAR', scalar: { value } };
}

function agent(hostname: string, innerIp: string, attrs: Record<string, string | number>): SimAgentSpec {
  return { hostname, innerIp, attributes: Object.entries(attrs).map(([name, value]) => attr(name, value)) };
}

// The default cluster: 4 cpus per agent, so each takes 7 of smallApp's 0.5-cpu taskgroups. `odd-1` has the
// attribute types swapped (zone SCALAR, gen TEXT): text operators must reject its zone, GREATER its gen.
const WEB1 = agent('web-1', '10.0.0.1', { zone: 'a', gen: 3 });
const WEB2 = agent('web-2', '10.0.0.2', { zone: 'a', gen: 5 });
const DB1 = agent('db-1', '10.0.0.3', { zone: 'b', gen: 7 });
const ODD1 = agent('odd-1', '10.0.0.4', { zone: 1, gen: '9' });
const CLUSTER = [WEB1, WEB2, DB1, ODD1];

/** The zone of each host, as a string, for rows that count placements per zone. */
const ZONE_OF = new Map(
  CLUSTER.map((a) => {
    const zone = a.attributes!.find((at) => at.name === 'zone')!;
    return [a.hostname!, zone.type === 'TEXT' ? zone.text!.value : String(zone.scalar!.value)];
  }),
);

/** A constraint element as the API document writes it. */
type Element = Record<string, unknown>;
const text = (name: string, operate: string, value: string): Element => ({
  name,
  operate,
  type: 3,
  text: { value },
});
const set = (name: string, operate: string, item: string[]): Element => ({
  name,
  operate,
  type: 4,
  set: { item },
});
const scalar = (name: string, operate: string, value: number): Element => ({
  name,
  operate,
  type: 1,
  scalar: { value },
});
const unique = (name: string): Element => ({ name, operate: 'UNIQUE' });

interface Row {
  readonly name: string;
  /** Default: {@link CLUSTER}. */
  readonly agents?: readonly SimAgentSpec[];
  /** Runs before the application is created (agent settings, other applications). */
  readonly setup?: (h: Harness) => Promise<void>;
  /** `IntersectionItem`: each inner array is one item's `unionData`. */
  readonly constraint: readonly (readonly Element[])[];
  readonly instances: number;
  /** The hosts that got taskgroups, sorted. */
  readonly hosts?: readonly string[];
  /** Taskgroups placed per zone of {@link CLUSTER}. */
  readonly zones?: Readonly<Record<string, number>>;
  readonly running: number;
  /** A substring of every Pending taskgroup's reason; required when `running < instances`. */
  readonly pending?: string;
}

const settings = () => h.container.resolve(AgentSettingService);
/** Lets a second of offers and status updates pass after a setting change (settings apply at once). */
const afterTick = () => h.advance(1000);

async function taint(innerIP: string, noSchedule: Record<string, string>): Promise<void> {
  await settings().taint([{ innerIP, noSchedule }]);
  await afterTick();
}

/** Runs application `db` (labels app=db), one instance on each of `hosts`. */
async function runDb(harness: Harness, hosts: readonly string[]): Promise<void> {
  const db = smallApp({
    appname: 'db',
    metadata: { name: 'db', labels: { app: 'db' } },
    spec: { instance: hosts.length },
    constraint: {
      IntersectionItem: [
        { unionData: [set('hostname', 'CLUSTER', [...hosts])] },
        { unionData: [unique('hostname')] },
      ],
    },
  });
  await harness.apps.create(NS, db);
  await harness.advance(3000);
  const placed = harness.apps.get(NS, 'db').taskGroups.map((tg) => [tg.status, tg.hostname]);
  expect(placed.sort()).toEqual(hosts.map((host) => ['Running', host]).sort());
}

const rows: Row[] = [
  {
    name: 'UNIQUE(zone): one per zone value, SCALAR 1 included; the 4th waits',
    constraint: [[unique('zone')]],
    instances: 4,
    zones: { a: 1, b: 1, '1': 1 },
    running: 3,
    pending: 'constraint UNIQUE(zone)',
  },
  {
    name: 'UNIQUE(hostname): one per agent',
    constraint: [[unique('hostname')]],
    instances: 4,
    hosts: ['db-1', 'odd-1', 'web-1', 'web-2'],
    running: 4,
  },
  {
    name: 'MAXPER(zone) 2: two per zone value; the 7th waits',
    constraint: [[text('zone', 'MAXPER', '2')]],
    instances: 7,
    zones: { a: 2, b: 2, '1': 2 },
    running: 6,
    pending: 'constraint MAXPER(zone)',
  },
  {
    name: 'GROUPBY(zone) [a, b]: spread evenly over the two groups, nothing elsewhere',
    constraint: [[set('zone', 'GROUPBY', ['a', 'b'])]],
    instances: 4,
    zones: { a: 2, b: 2 },
    running: 4,
  },
  {
    name: 'GROUPBY(zone) [b, c]: no agent in c, so b takes one more only as the app grows',
    constraint: [[set('zone', 'GROUPBY', ['b', 'c'])]],
    instances: 3,
    // limit = ceil((live + 1) / 2): 1 with 0 live, 1 with 1 live, 2 with 2 live → b takes 1, then waits.
    zones: { b: 1 },
    running: 1,
    pending: 'constraint GROUPBY(zone)',
  },
  {
    name: 'CLUSTER(zone) text b: only zone b',
    constraint: [[text('zone', 'CLUSTER', 'b')]],
    instances: 3,
    hosts: ['db-1'],
    running: 3,
  },
  {
    name: 'CLUSTER(zone) set [a, b]: zones a and b, never the SCALAR zone',
    constraint: [[set('zone', 'CLUSTER', ['a', 'b'])]],
    instances: 6,
    hosts: ['db-1', 'web-1', 'web-2'],
    running: 6,
  },
  {
    name: 'CLUSTER(zone) text 1 against a SCALAR 1 zone: rejected (§15.9: the original passed it)',
    constraint: [[text('zone', 'CLUSTER', '1')]],
    instances: 2,
    running: 0,
    pending: 'constraint CLUSTER(zone)',
  },
  {
    name: 'CLUSTER(rack): no agent has the attribute',
    constraint: [[text('rack', 'CLUSTER', 'r1')]],
    instances: 1,
    running: 0,
    pending: 'constraint CLUSTER(rack)',
  },
  {
    name: 'LIKE(hostname) glob web-*',
    constraint: [[text('hostname', 'LIKE', 'web-*')]],
    instances: 4,
    hosts: ['web-1', 'web-2'],
    running: 4,
  },
  {
    name: 'LIKE(hostname) regexp b-[0-9] is unanchored: it matches web-1 and web-2 too, not odd-1',
    constraint: [[text('hostname', 'LIKE', 'b-[0-9]')], [unique('hostname')]],
    instances: 3,
    hosts: ['db-1', 'web-1', 'web-2'],
    running: 3,
  },
  {
    name: 'LIKE(hostname) glob cache-*: nothing matches',
    constraint: [[text('hostname', 'LIKE', 'cache-*')]],
    instances: 1,
    running: 0,
    pending: 'constraint LIKE(hostname)',
  },
  {
    name: 'LIKE(gen) set [9, 1?]: only the TEXT gen; SCALAR gens are rejected',
    constraint: [[set('gen', 'LIKE', ['9', '1?'])]],
    instances: 2,
    hosts: ['odd-1'],
    running: 2,
  },
  {
    name: 'UNLIKE(hostname) set [web-*, odd-*]: db-1 only',
    constraint: [[set('hostname', 'UNLIKE', ['web-*', 'odd-*'])]],
    instances: 3,
    hosts: ['db-1'],
    running: 3,
  },
  {
    name: 'UNLIKE(zone) a: zone b, not the SCALAR zone (§15.9)',
    constraint: [[text('zone', 'UNLIKE', 'a')]],
    instances: 3,
    hosts: ['db-1'],
    running: 3,
  },
  {
    name: 'GREATER(gen) 4: gens 5 and 7; the TEXT gen 9 is rejected',
    constraint: [[scalar('gen', 'GREATER', 4)]],
    instances: 4,
    hosts: ['db-1', 'web-2'],
    running: 4,
  },
  {
    name: 'GREATER(gen) 7 is strict: nothing fits',
    constraint: [[scalar('gen', 'GREATER', 7)]],
    instances: 2,
    running: 0,
    pending: 'constraint GREATER(gen)',
  },
  {
    name: 'LESS(gen) 5 (ours, §15.9): gen 3 only',
    constraint: [[scalar('gen', 'LESS', 5)]],
    instances: 2,
    hosts: ['web-1'],
    running: 2,
  },
  {
    name: 'AND of two items: CLUSTER(zone) a and GREATER(gen) 4 → web-2',
    constraint: [[text('zone', 'CLUSTER', 'a')], [scalar('gen', 'GREATER', 4)]],
    instances: 3,
    hosts: ['web-2'],
    running: 3,
  },
  {
    name: 'OR within an item: CLUSTER(zone) b or LIKE(hostname) web-1',
    constraint: [[text('zone', 'CLUSTER', 'b'), text('hostname', 'LIKE', 'web-1')]],
    instances: 4,
    hosts: ['db-1', 'web-1'],
    running: 4,
  },
  {
    name: 'OR within an item that no agent satisfies: the reason names both elements',
    constraint: [[text('zone', 'CLUSTER', 'z'), text('hostname', 'LIKE', 'cache-*')]],
    instances: 1,
    running: 0,
    pending: 'constraint CLUSTER(zone) or constraint LIKE(hostname)',
  },
  {
    name: 'EXCLUDE app:db: never on the host running the db application',
    setup: (h) => runDb(h, ['db-1']),
    constraint: [[set('hostname', 'EXCLUDE', ['app:db'])]],
    instances: 6,
    hosts: ['odd-1', 'web-1', 'web-2'],
    running: 6,
  },
  {
    name: 'EXCLUDE app:db with db on every agent: nothing fits',
    agents: [WEB1, DB1],
    setup: (h) => runDb(h, ['db-1', 'web-1']),
    constraint: [[set('hostname', 'EXCLUDE', ['app:db'])]],
    instances: 1,
    running: 0,
    pending: 'constraint EXCLUDE(hostname)',
  },
  {
    name: 'EXCLUDE of a label no application has: anywhere',
    setup: (h) => runDb(h, ['db-1']),
    constraint: [[set('hostname', 'EXCLUDE', ['app:cache'])], [unique('hostname')]],
    instances: 4,
    hosts: ['db-1', 'odd-1', 'web-1', 'web-2'],
    running: 4,
  },
  {
    name: 'taints without TOLERATION: a tainted agent takes nothing',
    agents: [DB1],
    setup: () => taint('10.0.0.3', { gpu: 'yes' }),
    constraint: [],
    instances: 2,
    running: 0,
    pending: 'taints',
  },
  {
    name: 'TOLERATION gpu=yes lets the tainted agent take it',
    agents: [DB1],
    setup: () => taint('10.0.0.3', { gpu: 'yes' }),
    constraint: [[text('gpu', 'TOLERATION', 'yes')]],
    instances: 2,
    hosts: ['db-1'],
    running: 2,
  },
  {
    name: 'TOLERATION gpu=yes does not tolerate gpu=no',
    agents: [DB1],
    setup: () => taint('10.0.0.3', { gpu: 'no' }),
    constraint: [[text('gpu', 'TOLERATION', 'yes')]],
    instances: 1,
    running: 0,
    pending: 'taints',
  },
  {
    name: 'TOLERATION of one taint of two is not enough (§15.9: the original admitted it)',
    agents: [DB1],
    setup: () => taint('10.0.0.3', { gpu: 'yes', ssd: 'yes' }),
    constraint: [[text('gpu', 'TOLERATION', 'yes')]],
    instances: 1,
    running: 0,
    pending: 'taints',
  },
  {
    name: 'TOLERATION of both taints: placed',
    agents: [DB1],
    setup: () => taint('10.0.0.3', { gpu: 'yes', ssd: 'yes' }),
    constraint: [[text('gpu', 'TOLERATION', 'yes')], [text('ssd', 'TOLERATION', 'yes')]],
    instances: 1,
    hosts: ['db-1'],
    running: 1,
  },
  {
    name: 'TOLERATION in an OR item does not make the item pass (only CLUSTER decides)',
    constraint: [[text('zone', 'CLUSTER', 'b'), text('gpu', 'TOLERATION', 'yes')]],
    instances: 3,
    hosts: ['db-1'],
    running: 3,
  },
  {
    name: 'unconstrained apps avoid tainted agents',
    async setup() {
      await taint('10.0.0.1', { team: 'infra' });
      await taint('10.0.0.2', { team: 'infra' });
    },
    constraint: [],
    instances: 6,
    hosts: ['db-1', 'odd-1'],
    running: 6,
  },
  {
    name: 'a disabled agent gets no new taskgroups',
    async setup() {
      await settings().disable(['10.0.0.1']);
      await afterTick();
    },
    constraint: [],
    instances: 6,
    hosts: ['db-1', 'odd-1', 'web-2'],
    running: 6,
  },
  {
    name: 'the only agent disabled: nothing fits',
    agents: [WEB1],
    async setup() {
      await settings().disable(['10.0.0.1']);
      await afterTick();
    },
    constraint: [],
    instances: 1,
    running: 0,
    pending: 'disabled',
  },
  {
    name: 'setting strings become attributes CLUSTER can use',
    async setup() {
      await settings().set([{ innerIP: '10.0.0.4', strings: { rack: { value: 'r9' } } }]);
      await afterTick();
    },
    constraint: [[text('rack', 'CLUSTER', 'r9')]],
    instances: 2,
    hosts: ['odd-1'],
    running: 2,
  },
  {
    name: "a setting string replaces the agent's own attribute of that name",
    async setup() {
      await settings().set([{ innerIP: '10.0.0.1', strings: { zone: { value: 'b' } } }]);
      await afterTick();
    },
    constraint: [[text('zone', 'CLUSTER', 'b')], [unique('hostname')]],
    instances: 2,
    hosts: ['db-1', 'web-1'],
    running: 2,
  },
  {
    name: 'setting scalars become SCALAR attributes GREATER can use',
    async setup() {
      await settings().set([{ innerIP: '10.0.0.4', scalars: { gen: { value: 11 } } }]);
      await afterTick();
    },
    constraint: [[scalar('gen', 'GREATER', 8)]],
    instances: 2,
    hosts: ['odd-1'],
    running: 2,
  },
  {
    name: 'a row with its own agents: UNIQUE(rack) over 2 agents in one rack',
    agents: [agent('r-1', '10.0.1.1', { rack: 'r1' }), agent('r-2', '10.0.1.2', { rack: 'r1' })],
    constraint: [[unique('rack')]],
    instances: 2,
    running: 1,
    pending: 'constraint UNIQUE(rack)',
  },
];

describe('constraint operators on the simulated cluster', () => {
  it.each(rows)('$name', async (row) => {
    h = await createHarness({ agents: row.agents ?? CLUSTER });
    await row.setup?.(h);
    const constraint = { IntersectionItem: row.constraint.map((unionData) => ({ unionData })) };
    await h.apps.create(NS, smallApp({ spec: { instance: row.instances }, constraint }));
    await h.advance(4000);

    const { taskGroups } = h.apps.get(NS, 'app-test');
    expect(taskGroups).toHaveLength(row.instances);
    const running = taskGroups.filter((tg) => tg.status === 'Running');
    const others = taskGroups.filter((tg) => tg.status !== 'Running');
    expect(running).toHaveLength(row.running);
    // What did not run was never placed: Pending, with a reason naming the check that refused it.
    for (const tg of others) {
      expect(tg.status).toBe('Pending');
      expect(tg.hostname).toBeUndefined();
      expect(tg.message).toContain(row.pending ?? 'no pending expected');
    }
    if (row.hosts !== undefined) {
      expect([...new Set(running.map((tg) => tg.hostname!))].sort()).toEqual(row.hosts);
    }
    if (row.zones !== undefined) {
      const zones: Record<string, number> = {};
      for (const tg of running) {
        const zone = ZONE_OF.get(tg.hostname!)!;
        zones[zone] = (zones[zone] ?? 0) + 1;
      }
      expect(zones).toEqual(row.zones);
    }
    // The simulated master agrees: one live task per Running taskgroup, on the agents named.
    const agentsById = new Map(h.cluster.agents().map((a) => [a.id, a.hostname]));
    const live = h.cluster.tasks().filter((t) => t.state === 'TASK_RUNNING');
    const appTasks = live.filter((t) => running.some((tg) => tg.tasks[0]!.id === t.taskId));
    expect(appTasks).toHaveLength(row.running);
    for (const task of appTasks) {
      const tg = running.find((r) => r.tasks[0]!.id === task.taskId)!;
      expect(agentsById.get(task.agentId)).toBe(tg.hostname);
    }
  });
});

describe('constraints as agents and settings change', () => {
  it('places a waiting CLUSTER taskgroup once an agent setting gives some agent the attribute', async () => {
    h = await createHarness({ agents: CLUSTER });
    const constraint = { IntersectionItem: [{ unionData: [text('rack', 'CLUSTER', 'r9')] }] };
    await h.apps.create(NS, smallApp({ spec: { instance: 1 }, constraint }));
    await h.advance(3000);
    expect(h.apps.get(NS, 'app-test').taskGroups.map((tg) => tg.status)).toEqual(['Pending']);

    await settings().set([{ innerIP: '10.0.0.2', strings: { rack: { value: 'r9' } } }]);
    // The agents' offers were declined for 5 s (`declineRefuseSeconds`) when nothing fitted.
    await h.advance(7000);
    expect(h.apps.get(NS, 'app-test').taskGroups.map((tg) => [tg.status, tg.hostname])).toEqual([
      ['Running', 'web-2'],
    ]);
  });

  it('keeps Running taskgroups on an agent disabled later, and places new ones elsewhere', async () => {
    h = await createHarness({ agents: [WEB1, WEB2] });
    await h.apps.create(NS, smallApp({ spec: { instance: 1 } }));
    await h.advance(3000);
    const [first] = h.apps.get(NS, 'app-test').taskGroups;
    expect(first!.status).toBe('Running');
    await settings().disable([first!.agentIp!]);
    await afterTick();
    await h.apps.scale(NS, 'app-test', 4);
    await h.advance(3000);
    const tgs = h.apps.get(NS, 'app-test').taskGroups;
    expect(tgs.map((tg) => tg.status)).toEqual(['Running', 'Running', 'Running', 'Running']);
    expect(tgs[0]!.id).toBe(first!.id);
    for (const tg of tgs.slice(1)) expect(tg.hostname).not.toBe(first!.hostname);
  });

  it('spreads GROUPBY by live taskgroups: after scaling down and up it is even again', async () => {
    h = await createHarness({ agents: [WEB1, DB1] });
    const constraint = { IntersectionItem: [{ unionData: [set('zone', 'GROUPBY', ['a', 'b'])] }] };
    await h.apps.create(NS, smallApp({ spec: { instance: 4 }, constraint }));
    await h.advance(3000);
    await h.apps.scale(NS, 'app-test', 1);
    await h.advance(8000);
    await h.apps.scale(NS, 'app-test', 4);
    await h.advance(3000);
    const hosts = h.apps
      .get(NS, 'app-test')
      .taskGroups.filter((tg) => tg.status === 'Running')
      .map((tg) => tg.hostname);
    expect(hosts).toHaveLength(4);
    expect(hosts.filter((host) => host === 'web-1')).toHaveLength(2);
    expect(hosts.filter((host) => host === 'db-1')).toHaveLength(2);
  });
});
