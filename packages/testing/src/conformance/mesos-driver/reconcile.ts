import { describe, expect, it } from 'vitest';
import type { DriverSuiteContext } from './suite.js';

const FROM_MASTER = { source: 'SOURCE_MASTER', reason: 'REASON_RECONCILIATION' } as const;

/** RECONCILE: explicit and implicit answers from the master, without uuid. */
export function registerReconcileTests(suite: DriverSuiteContext): void {
  describe('reconcile', () => {
    it('explicit reconciliation reports a running task as TASK_RUNNING without uuid', async () => {
      const session = await suite.start();
      const { taskIds, offer } = await session.launch();
      const taskId = taskIds[0]!;
      const running = await session.ackUntil(taskId, 'TASK_RUNNING');
      const seen = session.updates(taskId).length;
      await session.call({
        type: 'RECONCILE',
        reconcile: { tasks: [{ task_id: { value: taskId }, agent_id: offer.agent_id }] },
      });
      const answer = await session.waitForUpdate(
        taskId,
        'the answer',
        (s) => s.source === 'SOURCE_MASTER',
        seen,
      );
      expect(answer).toMatchObject({ ...FROM_MASTER, state: 'TASK_RUNNING', agent_id: running.agent_id });
      expect(answer.uuid).toBeUndefined();
    });

    it('explicit reconciliation of an unknown task answers TASK_LOST', async () => {
      const session = await suite.start();
      await session.subscribed();
      const taskId = 'conformance-unknown-task';
      await session.call({ type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: taskId } }] } });
      const answer = await session.waitForUpdate(taskId, 'TASK_LOST', () => true);
      expect(answer).toMatchObject({ ...FROM_MASTER, state: 'TASK_LOST' });
      expect(answer.uuid).toBeUndefined();
    });

    it('implicit reconciliation reports every known task', async () => {
      const session = await suite.start();
      const { taskIds } = await session.launch([{}, {}]);
      for (const taskId of taskIds) await session.ackUntil(taskId, 'TASK_RUNNING');
      const seen = session.updates().length;
      await session.call({ type: 'RECONCILE', reconcile: { tasks: [] } });
      await session.waitFor('answers for every task', (s) => {
        const answered = new Set(
          s
            .updates()
            .slice(seen)
            .filter((u) => u.reason === 'REASON_RECONCILIATION')
            .map((u) => u.task_id.value),
        );
        return taskIds.every((id) => answered.has(id)) ? true : undefined;
      });
      for (const status of session.updates().slice(seen)) expect(status.uuid).toBeUndefined();
    });
  });
}
