import { describe, expect, it } from 'vitest';
import type { DriverSuiteContext } from './suite.js';

/** KILL: the group dies through acknowledged updates; an unknown task is answered by the master. */
export function registerKillTests(suite: DriverSuiteContext): void {
  describe('kill', () => {
    it('KILL of a running task ends in TASK_KILLED, after TASK_KILLING with the capability', async () => {
      const session = await suite.start();
      const { taskIds, offer } = await session.launch();
      const taskId = taskIds[0]!;
      await session.ackUntil(taskId, 'TASK_RUNNING');
      await session.call({ type: 'KILL', kill: { task_id: { value: taskId }, agent_id: offer.agent_id } });
      const killed = await session.ackUntil(taskId, 'TASK_KILLED');
      expect(killed.uuid).toBeDefined();
      const states = session.updates(taskId).map((s) => s.state);
      expect(states.indexOf('TASK_KILLING')).toBeGreaterThan(states.indexOf('TASK_RUNNING'));
      expect(states.indexOf('TASK_KILLED')).toBeGreaterThan(states.indexOf('TASK_KILLING'));
    });

    it('KILL of an unknown task is answered with TASK_LOST from the master, no uuid', async () => {
      const session = await suite.start();
      await session.subscribed();
      await session.call({ type: 'KILL', kill: { task_id: { value: 'conformance-no-such-task' } } });
      const status = await session.waitForUpdate('conformance-no-such-task', 'TASK_LOST', () => true);
      expect(status).toMatchObject({ state: 'TASK_LOST', source: 'SOURCE_MASTER' });
      expect(status.uuid).toBeUndefined();
    });
  });
}
