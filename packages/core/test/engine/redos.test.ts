import { aDeployment } from '@bcs/testing/builders';
import type { SimAgentSpec } from '@bcs/testing/cluster';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, type ValidationError } from '../../src/index.js';
import { createHarness, type Harness, smallApp } from './harness.js';

// Issue 9 §0 "Regex denial of service": LIKE/UNLIKE patterns run on the scheduler's one queue against agent
// attributes any client can set. On JavaScript's backtracking RegExp, `(a+)+$` against 27 `a`s and `!` took
// about 12 s per placement pass and froze every request. On RE2 (re2js) the pass is linear in the value.

let h: Harness;
afterEach(() => h?.dispose());
const NS = 'defaultGroup';
const EVIL = `${'a'.repeat(27)}!`;

const agents: SimAgentSpec[] = [
  {
    hostname: 'evil-1',
    innerIp: '10.0.0.1',
    attributes: [{ name: 'label', type: 'TEXT', text: { value: EVIL } }],
  },
  {
    hostname: 'web-1',
    innerIp: '10.0.0.2',
    attributes: [{ name: 'label', type: 'TEXT', text: { value: 'web' } }],
  },
];
const like = (value: string) => ({
  IntersectionItem: [{ unionData: [{ name: 'label', operate: 'LIKE', type: 3, text: { value } }] }],
});

describe('a ReDoS pattern in a LIKE constraint', () => {
  it('finishes every placement pass: the pattern stays Pending and an unrelated application runs', async () => {
    h = await createHarness({ agents });
    await h.apps.create(
      NS,
      smallApp({ metadata: { name: 'redos' }, spec: { instance: 1 }, constraint: like('(a+)+$') }),
    );
    // Several placement passes, each matching the pattern against the evil attribute.
    await h.advance(3000);
    await h.apps.create(NS, smallApp({ metadata: { name: 'other' }, spec: { instance: 2 } }));
    await h.advance(5000);

    const redos = h.apps.get(NS, 'redos').taskGroups;
    expect(redos.map((tg) => tg.status)).toEqual(['Pending']);
    expect(redos[0]!.message).toContain('constraint LIKE(label)');
    const other = h.apps.get(NS, 'other').taskGroups;
    expect(other.map((tg) => tg.status)).toEqual(['Running', 'Running']);
  });

  it('matches with find semantics: the same pattern places where the attribute ends in a run of a', async () => {
    h = await createHarness({
      agents: [
        ...agents,
        {
          hostname: 'aaa-1',
          innerIp: '10.0.0.3',
          attributes: [{ name: 'label', type: 'TEXT', text: { value: `!${'a'.repeat(27)}` } }],
        },
      ],
    });
    await h.apps.create(
      NS,
      smallApp({ metadata: { name: 'redos' }, spec: { instance: 1 }, constraint: like('(a+)+$') }),
    );
    await h.advance(3000);
    const tgs = h.apps.get(NS, 'redos').taskGroups;
    expect(tgs.map((tg) => [tg.status, tg.hostname])).toEqual([['Running', 'aaa-1']]);
  });

  it('refuses at create a pattern RE2 cannot compile, naming the constraint field, and stores nothing', async () => {
    h = await createHarness({ agents });
    const error = await h.apps
      .create(NS, smallApp({ metadata: { name: 'look' }, constraint: like('(?=a)a') }))
      .catch((e: unknown) => e as ValidationError);
    expect((error as ValidationError).code).toBe(ErrorCode.InvalidData);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual([
      'constraint.intersectionItem[0].unionData[0].text.value',
    ]);
    expect(() => h.apps.get(NS, 'look')).toThrow();
  });

  it('refuses the same pattern in an application update and a deployment create; the app keeps its version', async () => {
    h = await createHarness({ agents });
    const created = await h.apps.create(NS, smallApp({ metadata: { name: 'web' }, spec: { instance: 1 } }));
    const update = h.apps.update(
      NS,
      smallApp({ metadata: { name: 'web' }, spec: { instance: 1 }, constraint: like('(a)\\1') }),
    );
    await expect(update).rejects.toMatchObject({ code: ErrorCode.InvalidData });
    expect(h.apps.get(NS, 'web').version?.id).toBe(created.version?.id);

    const deployment = aDeployment({ constraint: like('x{1001}') } as never);
    const error = await h.deployments.create(NS, deployment).catch((e: unknown) => e as ValidationError);
    expect(error).toMatchObject({ code: ErrorCode.InvalidData });
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual([
      'constraint.intersectionItem[0].unionData[0].text.value',
    ]);
  });
});
