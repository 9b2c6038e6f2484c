import { setFlagsFromString } from 'node:v8';
import { type DomainEvent, EventLog, type UnsequencedEvent } from '@bcs/core';
import { createMemoryStore, ManualClock } from '@bcs/testing/fakes';
import { describe, expect, it } from 'vitest';

// The event log's memory tail holds 50,000 events. Each numbered event used to get a hidden class (V8 map and
// descriptor array) of its own, about 300 bytes apiece on top of the event: `pnpm bench -- soak` saw ~15 MiB
// of them. Events of one kind must share one.
setFlagsFromString('--allow-natives-syntax');
const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

function taskGroupEvent(i: number): UnsequencedEvent {
  // Built the way events/derive.ts builds them: a snapshot, rest-destructured, spread into the event.
  const { status: _status, ...snapshot } = {
    namespace: 'ns',
    application: `app-${i}`,
    taskgroup: `${i}.app-${i}.ns.10001.1`,
    index: 0,
    status: 'Running',
    host: '127.0.0.1',
    agentId: 'agent-1',
    message: `message ${i}`,
    versionId: `v${i}`,
  };
  return { kind: 'taskgroup.status', ...snapshot, from: 'Starting', to: 'Running' } as UnsequencedEvent;
}

describe('numbered events', () => {
  it('of one kind share one hidden class, and keep their keys in order', async () => {
    const store = createMemoryStore();
    await store.open();
    const log = new EventLog(store, new ManualClock(1_000), {});
    await log.load();
    const numbered: DomainEvent[] = [];
    for (let i = 0; i < 50; i++) {
      const prepared = log.prepare([taskGroupEvent(i)]);
      log.committed(prepared);
      numbered.push(...(prepared?.events ?? []));
    }
    const last = numbered.at(-1)!;
    expect(numbered.filter((event) => !haveSameMap(event, last))).toHaveLength(0);
    expect(Object.keys(last)).toEqual([...Object.keys(taskGroupEvent(0)), 'seq', 'time']);
    expect(last).toMatchObject({ seq: 50, time: 1_000, application: 'app-49' });
  });
});
