import {
  type EventMessage,
  matchesFilter,
  type SubscribeOptions,
  type TaskGroupStatusEvent,
} from '@bcs/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, smallApp } from '../engine/harness.js';

// `namespaces` in a filter: what the event stream sets for a token limited to some namespaces (issue 15 §3).

let h: Harness;
afterEach(() => h?.dispose());

const event = (namespace: string): TaskGroupStatusEvent => ({
  seq: 1,
  time: 0,
  kind: 'taskgroup.status',
  namespace,
  application: 'a',
  taskgroup: `0.a.${namespace}.c.1`,
  index: 0,
  from: null,
  to: 'Staging',
  message: '',
  versionId: 'v',
});

describe('EventFilter.namespaces', () => {
  it.each([
    [{ namespaces: ['a', 'b'] }, 'a', true],
    [{ namespaces: ['a', 'b'] }, 'c', false],
    [{ namespaces: [] }, 'a', false],
    [{ namespaces: ['a'], namespace: 'b' }, 'b', false],
    [{ namespaces: ['a', 'b'], namespace: 'b' }, 'b', true],
    [{}, 'c', true],
  ])('%j selects an event of %s: %s', (filter, namespace, selected) => {
    expect(matchesFilter(event(namespace), filter)).toBe(selected);
  });

  it('limits both the snapshot and the live events of a subscription', async () => {
    h = await createHarness();
    for (const ns of ['team-a', 'team-b']) {
      await h.apps.create(ns, smallApp({ metadata: { name: 'web', namespace: ns }, spec: { instance: 1 } }));
    }
    await h.advance(3000);
    const options: SubscribeOptions = { snapshot: true, namespaces: ['team-a'] };
    const controller = new AbortController();
    const messages: EventMessage[] = [];
    const iterator = h.events.subscribe({ ...options, signal: controller.signal });
    const done = (async () => {
      for await (const message of { [Symbol.asyncIterator]: () => iterator }) messages.push(message);
    })();
    for (const ns of ['team-b', 'team-a']) {
      await h.apps.create(ns, smallApp({ metadata: { name: 'api', namespace: ns }, spec: { instance: 1 } }));
    }
    await h.advance(3000);
    controller.abort();
    await done;
    const snapshot = messages.find((m) => m.type === 'snapshot');
    if (snapshot?.type !== 'snapshot') throw new Error('no snapshot');
    expect(snapshot.snapshot.applications.map((a) => a.namespace)).toEqual(['team-a']);
    expect(snapshot.snapshot.taskgroups.map((t) => t.namespace)).toEqual(['team-a']);
    const events = messages.flatMap((m) => (m.type === 'events' ? m.events : []));
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events.map((e) => e.namespace))).toEqual(new Set(['team-a']));
    expect(new Set(events.map((e) => e.application))).toEqual(new Set(['api']));
  });
});
