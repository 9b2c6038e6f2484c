import { type Deployment, DeploymentController } from '@bcs/core';
import { aDeployment } from '@bcs/testing/builders';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';

// The controller's once-a-second work is proportional to what is in motion (issue 11 §4): its tick drives the
// deployments being created, rolled out or deleted, never the ones at rest (a drive has nothing to do for them).

let h: Harness | undefined;
afterEach(() => h?.dispose());
const NS = 'defaultGroup';
const V2 = 'dockerhub:8443/bcs/game/gamesvr:v2.0.0';

/** The document's deployment named `name`: 2 instances, rolled one at a time with an hour between steps. */
function body(name: string, image?: string) {
  const b = aDeployment({
    metadata: { name, namespace: NS },
    spec: {
      instance: 2,
      selector: { podname: name },
      strategy: {
        rollingupdate: { autoUpgrade: true, upgradeDuration: 3600, maxSurge: 1, maxUnavilable: 0 },
      },
    },
  }) as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } };
  if (image !== undefined) b.spec.template.spec.containers[0]!.image = image;
  return b as unknown as Record<string, unknown>;
}

/** Counts the controller's drives by deployment name. */
function countDrives(controller: DeploymentController): Map<string, number> {
  const drives = new Map<string, number>();
  const drive = controller.drive.bind(controller);
  controller.drive = (deployment: Deployment) => {
    drives.set(deployment.name, (drives.get(deployment.name) ?? 0) + 1);
    return drive(deployment);
  };
  return drives;
}

describe('the deployment controller tick', () => {
  it('drives only the deployments in motion, not the ones at rest', async () => {
    h = await createHarness({ agents: 3 });
    for (const name of ['rest-a', 'rest-b', 'moving']) await h.deployments.create(NS, body(name));
    await h.advance(15_000);
    for (const name of ['rest-a', 'rest-b', 'moving']) {
      expect((await h.deployments.get(NS, name)).deployment.status).toBe('Running');
    }
    // The update's first step runs, then the rollout waits an hour (upgradeDuration) for its next one.
    await h.deployments.update(NS, body('moving', V2));
    await h.advance(10_000);
    expect((await h.deployments.get(NS, 'moving')).deployment.status).toBe('Update');

    const drives = countDrives(h.container.resolve(DeploymentController));
    await h.advance(10_000, 1000);
    expect(drives.get('rest-a')).toBeUndefined();
    expect(drives.get('rest-b')).toBeUndefined();
    expect(drives.get('moving')).toBeGreaterThanOrEqual(10);
    expect((await h.deployments.get(NS, 'moving')).deployment.status).toBe('Update');
  });

  it('drives a deployment again once a request sets it in motion, and stops once it is at rest', async () => {
    h = await createHarness({ agents: 3 });
    await h.deployments.create(NS, body('d'));
    await h.advance(15_000);
    const drives = countDrives(h.container.resolve(DeploymentController));
    await h.advance(5000, 1000);
    expect(drives.get('d')).toBeUndefined();

    await h.deployments.update(NS, body('d', V2));
    await h.advance(5000, 1000);
    expect(drives.get('d')).toBeGreaterThanOrEqual(5);
    await h.deployments.cancel(NS, 'd');
    await h.advance(15_000);
    expect((await h.deployments.get(NS, 'd')).deployment.status).toBe('Running');
    drives.clear();
    await h.advance(5000, 1000);
    expect(drives.get('d')).toBeUndefined();
  });
});
