import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, smallApp } from './harness.js';

let h: Harness;
afterEach(() => h?.dispose());
const NS = 'defaultGroup';

const unique = (name: string) => ({
  constraint: { IntersectionItem: [{ unionData: [{ name, operate: 'UNIQUE' }] }] },
});

describe('placement on the simulated cluster', () => {
  it('UNIQUE on InnerIP with 4 instances over 3 agents: 3 Running, 1 Pending naming the constraint', async () => {
    h = await createHarness({ agents: 3 });
    await h.apps.create(NS, smallApp({ spec: { instance: 4 }, ...unique('InnerIP') }));
    await h.advance(4000);
    const view = h.apps.get(NS, 'app-test');
    expect(view.taskGroups.map((tg) => tg.status).sort()).toEqual([
      'Pending',
      'Running',
      'Running',
      'Running',
    ]);
    const pending = view.taskGroups.find((tg) => tg.status === 'Pending')!;
    expect(pending.message).toContain('UNIQUE');
    expect(new Set(view.taskGroups.filter((tg) => tg.agentIp).map((tg) => tg.agentIp)).size).toBe(3);
    expect(view.app.status).toBe('Abnormal');
    expect(view.app.message).toContain('UNIQUE');
    // It is retried as offers change: a fourth agent lets it run.
    h.cluster.addAgent();
    await h.advance(3000);
    expect(h.apps.get(NS, 'app-test').taskGroups.every((tg) => tg.status === 'Running')).toBe(true);
  });

  it('places several taskgroups on one agent (one offer), giving each distinct host ports', async () => {
    h = await createHarness({ agents: 1 });
    await h.apps.create(NS, smallApp({ spec: { instance: 3 } }));
    await h.advance(3000);
    const view = h.apps.get(NS, 'app-test');
    expect(view.taskGroups.every((tg) => tg.status === 'Running')).toBe(true);
    const ports = view.taskGroups.flatMap((tg) =>
      tg.tasks.flatMap((t) => t.portMappings.map((p) => p.hostPort)),
    );
    expect(ports).toHaveLength(3);
    expect(new Set(ports).size).toBe(3);
    for (const port of ports) expect(port >= 31000 && port <= 32000).toBe(true);
  });

  it('checks fixed host ports: a second instance asking for the same port on the only agent stays Pending', async () => {
    h = await createHarness({ agents: 1 });
    const fixed = smallApp(
      { spec: { instance: 2 } },
      { ports: [{ containerPort: 8080, hostPort: 31500, name: 'http', protocol: 'TCP' }], healthChecks: [] },
    );
    await h.apps.create(NS, fixed);
    await h.advance(3000);
    const view = h.apps.get(NS, 'app-test');
    expect(view.taskGroups.map((tg) => tg.status).sort()).toEqual(['Pending', 'Running']);
    expect(view.taskGroups.find((tg) => tg.status === 'Pending')!.message).toContain('port');
  });
});

describe('regression: the pending reason flapped between passes, naming only the agents that offered', () => {
  it('keeps one reason that accounts for every known agent', async () => {
    const agents = ['web-1', 'web-2', 'db-1', 'db-2'].map((hostname, i) => ({
      hostname,
      innerIp: `10.0.0.${i + 1}`,
    }));
    h = await createHarness({ agents });
    const constraint = {
      IntersectionItem: [
        { unionData: [{ name: 'hostname', operate: 'LIKE', type: 3, text: { value: 'web-*' } }] },
        { unionData: [{ name: 'hostname', operate: 'UNIQUE' }] },
      ],
    };
    await h.apps.create(NS, smallApp({ spec: { instance: 3 }, constraint }));
    const messages = new Set<string>();
    for (let i = 0; i < 40; i++) {
      await h.advance(500);
      const pending = h.apps.get(NS, 'app-test').taskGroups.filter((tg) => tg.status === 'Pending');
      for (const tg of pending) messages.add(tg.message);
    }
    const last = [...messages].at(-1)!;
    expect(last).toContain('LIKE(hostname) rejected 2 agents');
    expect(last).toContain('UNIQUE(hostname) rejected 2 agents');
    // After the first pass has seen every agent, the reason no longer changes.
    expect([...messages].filter((m) => m !== last).every((m) => m === 'waiting for an offer')).toBe(true);
  });
});
