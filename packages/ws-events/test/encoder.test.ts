import type { DeploymentStatusEvent, EventMessage } from '@bcs/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEncoder, SNAPSHOT_ITEMS_PER_TURN, type SnapshotMessage } from '../src/encoder.js';
import { taskgroupEvent } from './helpers/fake-source.js';

const deploymentEvent: DeploymentStatusEvent = {
  seq: 7,
  time: 1_700_000_000_007,
  kind: 'deployment.status',
  namespace: 'ns1',
  application: 'web-v2',
  deployment: 'web',
  from: 'Update',
  to: 'Running',
  message: 'rollout done "quoted" \u2028 ✓',
  instances: 3,
  rollout: {
    phase: 'rolling',
    oldApp: 'web-v1',
    newApp: 'web-v2',
    desired: 3,
    stepsCompleted: 1,
    step: { number: 2, kind: 'scale-new', from: 1, target: 3 },
  },
};

const messages: [string, EventMessage][] = [
  ['hello', { type: 'hello', seq: 42, oldest: 3 }],
  ['empty events', { type: 'events', events: [] }],
  ['one event', { type: 'events', events: [taskgroupEvent(1)] }],
  [
    'events with optional fields absent or undefined',
    { type: 'events', events: [taskgroupEvent(2, { host: undefined } as never), deploymentEvent] },
  ],
  [
    'resync',
    {
      type: 'resync',
      seq: 9,
      reason: 'since is older than the retained history',
      snapshot: { applications: [], deployments: [], taskgroups: [] },
    },
  ],
];

describe('createEncoder', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each(messages)('encodes %s exactly as JSON.stringify does', (_name, message) => {
    expect(createEncoder().encode(message).toString()).toBe(JSON.stringify(message));
  });

  it('stringifies each event object once, however many messages (subscribers) carry it', () => {
    const encoder = createEncoder();
    const shared = [taskgroupEvent(1), taskgroupEvent(2), taskgroupEvent(3)];
    const stringify = vi.spyOn(JSON, 'stringify');
    const first = encoder.encode({ type: 'events', events: shared });
    const second = encoder.encode({ type: 'events', events: shared.slice(1) });
    const third = encoder.encode({ type: 'events', events: shared });
    expect(stringify).toHaveBeenCalledTimes(3);
    stringify.mockRestore();
    expect(first.toString()).toBe(JSON.stringify({ type: 'events', events: shared }));
    expect(second.toString()).toBe(JSON.stringify({ type: 'events', events: shared.slice(1) }));
    expect(third).toBe(first);
  });

  it('shares one buffer among messages carrying the same run of the log (subscribers that keep up)', () => {
    const encoder = createEncoder();
    const log = [taskgroupEvent(1), taskgroupEvent(2), taskgroupEvent(3)];
    const first = encoder.encode({ type: 'events', events: log.slice(0, 3) });
    const second = encoder.encode({ type: 'events', events: [...log] });
    expect(second).toBe(first);
    // A different run, or a filtered (non-contiguous) selection, is its own message.
    const filtered = encoder.encode({ type: 'events', events: [log[0]!, log[2]!] });
    expect(filtered.toString()).toBe(JSON.stringify({ type: 'events', events: [log[0], log[2]] }));
    expect(encoder.encode({ type: 'events', events: log.slice(1) }).toString()).toBe(
      JSON.stringify({ type: 'events', events: log.slice(1) }),
    );
  });

  it('keeps a bounded number of runs', () => {
    const encoder = createEncoder();
    const runs = Array.from({ length: 100 }, (_, i) => [taskgroupEvent(i + 1)]);
    const firstBytes = encoder.encode({ type: 'events', events: runs[0]! });
    for (const run of runs.slice(1)) encoder.encode({ type: 'events', events: run });
    // The first run was evicted: encoding it again builds a new buffer with the same text.
    const again = encoder.encode({ type: 'events', events: runs[0]! });
    expect(again).not.toBe(firstBytes);
    expect(again.equals(firstBytes)).toBe(true);
  });

  it('does not share its cache with another encoder', () => {
    const event = taskgroupEvent(1);
    createEncoder().encode({ type: 'events', events: [event] });
    const stringify = vi.spyOn(JSON, 'stringify');
    createEncoder().encode({ type: 'events', events: [event] });
    expect(stringify).toHaveBeenCalledTimes(1);
  });

  it.each(messages.filter((m): m is [string, SnapshotMessage] => m[1].type === 'resync'))(
    'encodes a %s with encodeSnapshot exactly as JSON.stringify does',
    async (_name, message) => {
      expect((await createEncoder().encodeSnapshot(message)).toString()).toBe(JSON.stringify(message));
    },
  );

  it('encodes a large snapshot in chunks, yielding to the event loop between them, to the same bytes', async () => {
    const count = 2 * SNAPSHOT_ITEMS_PER_TURN + 500;
    const taskgroups = Array.from({ length: count }, (_, i) => {
      const { seq: _seq, time: _time, kind: _kind, from: _from, to, ...rest } = taskgroupEvent(i + 1);
      return { ...rest, status: to, message: i % 7 === 0 ? undefined : `"quoted" \u2028 ✓ ${i}` };
    });
    const message: SnapshotMessage = {
      type: 'snapshot',
      seq: 12,
      snapshot: {
        applications: [{ namespace: 'ns1', application: 'app1', status: 'Running', message: 'ok' }],
        taskgroups,
        deployments: [],
      },
    } as unknown as SnapshotMessage;
    let done = false;
    const encoded = createEncoder()
      .encodeSnapshot(message)
      .finally(() => {
        done = true;
      });
    let turns = 0;
    while (!done) {
      await new Promise((resolve) => setImmediate(resolve));
      turns++;
    }
    expect(turns).toBeGreaterThanOrEqual(2);
    expect((await encoded).toString()).toBe(JSON.stringify(message));
  });
});
