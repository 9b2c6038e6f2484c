import { aDeployment } from '@bcs/testing/builders';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h?.dispose());
const NS = 'defaultGroup';
const NAME = 'deployment-test';

function body(image: string) {
  const b = aDeployment({
    spec: { instance: 3, strategy: { rollingupdate: { autoUpgrade: true, upgradeDuration: 2 } } },
  }) as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } };
  b.spec.template.spec.containers[0]!.image = image;
  return b as unknown as Record<string, unknown>;
}

const owned = () => [...h.engine.state.apps.values()].filter((s) => s.app.owner?.name === NAME);

describe('delete during an update', () => {
  it('stops the rollout, deletes both the old and the new application, then the record', async () => {
    h = await createHarness({ agents: 3 });
    await h.deployments.create(NS, body('dockerhub:8443/bcs/game/gamesvr:v1.1.1'));
    await h.advance(15_000);
    expect((await h.deployments.get(NS, NAME)).deployment.status).toBe('Running');
    await h.deployments.update(NS, body('dockerhub:8443/bcs/game/gamesvr:v2.0.0'));
    // Mid-rollout: two applications exist, both owned.
    for (let i = 0; i < 100 && owned().length < 2; i++) await h.advance(100);
    expect(owned()).toHaveLength(2);
    await h.deployments.delete(NS, NAME, false);
    expect((await h.deployments.get(NS, NAME)).deployment.status).toBe('Deleting');
    await h.advance(20_000);
    expect(owned()).toHaveLength(0);
    await expect(h.deployments.get(NS, NAME)).rejects.toMatchObject({ code: 1405202 });
    expect(h.cluster.tasks().filter((t) => t.state === 'TASK_RUNNING')).toHaveLength(0);
  });
});
