import { ErrorCode } from '@bcs/core';
import { aDeployment } from '@bcs/testing/builders';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Envelope, type ScenarioServer, startScenario } from '../helpers/scenario.js';

// Deployments through HTTP, in process on LevelDB with the command's default simulated cluster on a manual
// clock. The real process after SIGKILL mid-rollout: packages/server/test/integration/sigkill.test.ts.

const NS = 'defaultGroup';
const NAME = 'deployment-test';
const BASE = `/namespaces/${NS}/deployments`;
const ONE = `${BASE}/${NAME}`;
const V2 = 'dockerhub:8443/bcs/game/gamesvr:v2.0.0';
const V3 = 'dockerhub:8443/bcs/game/gamesvr:v3.0.0';

/** The document's example rolling automatically, 1 s between steps, with `image`. */
function body(image?: string) {
  const b = aDeployment({
    spec: { strategy: { rollingupdate: { autoUpgrade: true, upgradeDuration: 1 } } },
  }) as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } };
  if (image !== undefined) b.spec.template.spec.containers[0]!.image = image;
  return b as unknown as Record<string, unknown>;
}

interface Counts {
  desired: number;
  running: number;
  available: number;
}
type Res = { status: number; body: Envelope };
const data = (res: Res) => res.body.data as { status: string; rollout: { old: Counts; new: Counts } | null };

/** Old + new running ≤ 3 (2 + maxSurge 1) and available ≥ 1 (2 − maxUnavailable 1) while a rollout shows. */
function checkBounds(res: Res) {
  const rollout = data(res).rollout;
  if (rollout === null || data(res).status === 'Running') return;
  expect(rollout.old.running + rollout.new.running).toBeLessThanOrEqual(3);
  expect(rollout.old.available + rollout.new.available).toBeGreaterThanOrEqual(1);
}

describe('deployments through HTTP', { timeout: 60_000 }, () => {
  let server: ScenarioServer;
  beforeAll(async () => {
    server = await startScenario();
  });
  afterAll(() => server.dispose());
  const get = () => server.call('GET', ONE);

  it('creates the document example, rolls an image update out within the limits, pauses, resumes, cancels', async () => {
    const created = await server.call('POST', BASE, aDeployment());
    expect(created.status, created.body.message).toBe(200);
    expect(created.body.data).toMatchObject({ name: NAME, namespace: NS, instance: 2, status: 'Deploying' });
    await server.until(get, (res) => data(res).status === 'Running');
    expect((await get()).body.data.application).toMatchObject({ name: NAME, desired: 2, available: 2 });
    // The bound app is owned: it cannot be deleted directly.
    const direct = await server.call('DELETE', `/namespaces/${NS}/applications/${NAME}`);
    expect(direct.status).toBe(409);

    // An image update within maxSurge 1 / maxUnavailable 1, observed through GET.
    const updated = await server.call('PUT', BASE, body(V2));
    expect(updated.status, updated.body.message).toBe(200);
    expect(updated.body.data.status).toBe('Update');
    const done = await server.until(get, (res) => data(res).status === 'Running', checkBounds);
    expect(done.body.data.application).toMatchObject({ desired: 2, running: 2, available: 2 });
    expect(done.body.data.application.name).toMatch(/^deployment-test-v\d+$/);
    const def = await server.call('GET', `/definition/deployment/${NS}/${NAME}`);
    expect(def.body.data).toEqual(body(V2));

    // Pause, resume, then cancel another update.
    await server.advance(1100); // a new `-v<seconds>` name
    expect((await server.call('PUT', BASE, body(V3))).status).toBe(200);
    const paused = await server.call('PUT', `${ONE}/pauseupdate`);
    expect(paused.status, paused.body.message).toBe(200);
    expect(paused.body.data.rollout.paused).toBe(true);
    await server.until(get, (res) => data(res).status === 'UpdatePaused', checkBounds);
    const resumed = await server.call('PUT', `${ONE}/resumeupdate`);
    expect(resumed.status, resumed.body.message).toBe(200);
    expect(resumed.body.data.status).toBe('Update');
    const cancelled = await server.call('PUT', `${ONE}/cancelupdate`);
    expect(cancelled.status, cancelled.body.message).toBe(200);
    await server.until(
      get,
      (res) => data(res).rollout?.new !== undefined && data(res).status === 'Running',
      checkBounds,
    );
    const after = await server.until(get, (res) => res.body.data.application?.available === 2);
    expect(after.body.data.rollout.phase).toBe('cancelled');
    expect(after.body.data.application.name).toBe(done.body.data.application.name);
    expect((await server.call('GET', `/definition/deployment/${NS}/${NAME}`)).body.data).toEqual(body(V2));
  });

  describe('bad input: a 4xx envelope naming the field, nothing changed', () => {
    const cases: [string, string, string, unknown, number, string][] = [
      ['wrong kind', 'PUT', BASE, { ...body(V3), kind: 'application' }, 400, 'kind'],
      [
        'namespace mismatch',
        'PUT',
        BASE,
        { ...body(V3), metadata: { name: NAME, namespace: 'other' } },
        400,
        'namespace',
      ],
      ['malformed JSON', 'PUT', BASE, '{"kind": "deployment",', 400, 'JSON'],
      [
        'maxSurge not a number',
        'PUT',
        BASE,
        aDeployment({ spec: { strategy: { rollingupdate: { maxSurge: 'one' as never } } } }),
        400,
        'maxSurge',
      ],
      ['scale of a missing deployment', 'PUT', `${BASE}/missing/scale/3`, undefined, 404, 'missing'],
      ['cancel when not updating', 'PUT', `${ONE}/cancelupdate`, undefined, 409, 'no rolling update'],
      ['scale to a non-number', 'PUT', `${ONE}/scale/x`, undefined, 400, 'instances'],
    ];
    it.each(cases)('%s', async (_label, method, path, input, status, field) => {
      const before = await get();
      const beforeDef = await server.call('GET', `/definition/deployment/${NS}/${NAME}`);
      const res = await server.call(method, path, input);
      expect(res.status, res.body.message).toBe(status);
      expect(res.body.result).toBe(false);
      expect(res.body.code).not.toBe(0);
      expect(res.body.data).toBeNull();
      expect(res.body.message).toContain(field);
      const after = await get();
      expect(after.body.data.updatedAt).toBe(before.body.data.updatedAt);
      expect(after.body.data.status).toBe(before.body.data.status);
      expect((await server.call('GET', `/definition/deployment/${NS}/${NAME}`)).body.data).toEqual(
        beforeDef.body.data,
      );
    });
    it('answers 501 for PUT ?args=resource', async () => {
      const res = await server.call('PUT', `${BASE}?args=resource`, body(V3));
      expect(res.status).toBe(501);
      expect(res.body.code).toBe(ErrorCode.NotImplemented);
    });
  });
});
