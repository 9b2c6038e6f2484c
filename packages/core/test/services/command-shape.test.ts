import {
  COMMAND_RECORD_ADDITIONS,
  COMMAND_RECORD_EXAMPLE,
  commandRecordShapeDifferences,
  type Json,
} from '@bcs/testing/builders';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CommandBed,
  commandAnswer,
  commandBody,
  createCommandBed,
  runningApp,
} from './command-helpers.js';

let bed: CommandBed;
afterEach(async () => {
  await bed?.close();
});

describe('the command record', () => {
  it("has the document's example response shape, field for field, plus the documented additions", async () => {
    bed = await createCommandBed();
    const [tg] = await runningApp(bed, 1);
    // The document's sendCommand body (for this test's application).
    const record = await bed.scheduler.commands.send(
      'application',
      'test',
      'web',
      commandBody('web', { reserveTime: 0 }, ['ps']),
    );
    await bed.settle(); // the MESSAGEs go out in the dispatch turns after the record
    bed.driver.answer(tg!.id, tg!.agentId!, commandAnswer(record.id, tg!.tasks[0]!.id, { stdout: 'PID\n' }));
    await bed.settle();
    const answered = JSON.parse(
      JSON.stringify(bed.scheduler.commands.get('application', 'test', 'web', record.id)),
    );
    expect(commandRecordShapeDifferences(COMMAND_RECORD_EXAMPLE as Json, answered)).toEqual([]);
    // Every documented addition is there.
    expect(
      Object.keys(answered)
        .filter((k) => !(k in COMMAND_RECORD_EXAMPLE))
        .sort(),
    ).toEqual(COMMAND_RECORD_ADDITIONS['']);
    expect(answered.spec).toEqual({
      ...COMMAND_RECORD_EXAMPLE.spec,
      commandTargetRef: { kind: 'Application', name: 'web', namespace: 'test' },
    });
  });

  it('is not the shape when a field is missing or of another type (the comparison can fail)', () => {
    const broken = JSON.parse(JSON.stringify(COMMAND_RECORD_EXAMPLE));
    delete broken.status.taskgroups[0].tasks[0].commInspect;
    broken.createTime = '1547437542';
    broken.extra = 1;
    expect(commandRecordShapeDifferences(COMMAND_RECORD_EXAMPLE as Json, broken).sort()).toEqual([
      '.extra: not in the document',
      'createTime: number ≠ string',
      'status.taskgroups[].tasks[].commInspect: missing',
    ]);
  });
});
