import { describe, expect, it } from 'vitest';
import { isV4UuidBase64 } from './harness.js';
import { aLaunchGroupCall, scalar } from './payloads.js';
import type { DriverSuiteContext } from './suite.js';

/** LAUNCH_GROUP: executor updates with uuids, the ACK-gated queue, resends, validation. */
export function registerLaunchTests(suite: DriverSuiteContext): void {
  describe('launch', () => {
    it('a launched task reports TASK_STARTING from the executor with a v4 uuid', async () => {
      const session = await suite.start();
      const { taskIds, offer } = await session.launch();
      const starting = await session.waitForUpdate(
        taskIds[0]!,
        'TASK_STARTING',
        (s) => s.state === 'TASK_STARTING',
      );
      expect(starting).toMatchObject({ source: 'SOURCE_EXECUTOR', agent_id: offer.agent_id });
      expect(isV4UuidBase64(starting.uuid)).toBe(true);
    });

    it('holds the next update until the head is acknowledged, then sends TASK_RUNNING', async () => {
      const session = await suite.start();
      const taskId = (await session.launch()).taskIds[0]!;
      const starting = await session.waitForUpdate(
        taskId,
        'TASK_STARTING',
        (s) => s.state === 'TASK_STARTING',
      );
      await session.advance(5000);
      expect(session.updates(taskId).map((s) => s.state)).not.toContain('TASK_RUNNING');
      await session.ack(starting);
      const running = await session.waitForUpdate(taskId, 'TASK_RUNNING', (s) => s.state === 'TASK_RUNNING');
      expect(isV4UuidBase64(running.uuid)).toBe(true);
      expect(running.uuid).not.toBe(starting.uuid);
    });

    it('resends an unacknowledged update with the same uuid', async () => {
      const session = await suite.start();
      const taskId = (await session.launch()).taskIds[0]!;
      const first = await session.waitForUpdate(taskId, 'TASK_STARTING', (s) => s.state === 'TASK_STARTING');
      const again = await session.waitForUpdate(taskId, 'a resend', (s) => s.uuid === first.uuid, 1);
      expect(again.state).toBe('TASK_STARTING');
    });

    it('fails every task of an invalid group with TASK_ERROR REASON_TASK_GROUP_INVALID, no uuid', async () => {
      const session = await suite.start();
      const frameworkId = await session.subscribed();
      const offer = await session.takeOffer();
      const tasks = [{ id: 'conformance-invalid-a' }, { id: 'conformance-invalid-b' }];
      const executorResources = [scalar('cpus', 0.1), scalar('mem', 1), scalar('disk', 10)];
      const call = aLaunchGroupCall(offer, {
        frameworkId,
        executorId: 'conformance-invalid',
        tasks,
        executorResources,
      });
      await session.call(call);
      for (const { id } of tasks) {
        const status = await session.waitForUpdate(id, 'TASK_ERROR', () => true);
        expect(status).toMatchObject({
          state: 'TASK_ERROR',
          source: 'SOURCE_MASTER',
          reason: 'REASON_TASK_GROUP_INVALID',
        });
        expect(status.uuid).toBeUndefined();
      }
    });
  });
}
