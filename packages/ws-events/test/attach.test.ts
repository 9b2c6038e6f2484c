import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { attachEventStream, type EventStreamOptions } from '../src/index.js';
import { FakeEventSource } from './helpers/fake-source.js';

function options(overrides: Partial<Record<keyof EventStreamOptions, unknown>> = {}): EventStreamOptions {
  return {
    server: createServer(),
    events: new FakeEventSource(),
    clusterId: 'BCS-TEST-00001',
    ...overrides,
  } as EventStreamOptions;
}

describe('attachEventStream', () => {
  it.each([
    ['no server', { server: undefined }],
    ['no events', { events: undefined }],
    ['no cluster id', { clusterId: undefined }],
    ['an empty cluster id', { clusterId: '' }],
    ['a zero ping interval', { pingIntervalMs: 0 }],
    ['a negative buffer bound', { maxBufferedBytes: -1 }],
    ['a NaN grace', { closeGraceMs: Number.NaN }],
    ['a zero maxBatch', { maxBatch: 0 }],
    ['a negative flush interval', { flushIntervalMs: -1 }],
    ['no paths', { paths: [] }],
    ['a relative path', { paths: ['events'] }],
  ])('fails in the factory on %s', (_name, overrides) => {
    expect(() => attachEventStream(options(overrides))).toThrow(TypeError);
  });

  it('adds one upgrade listener and close() removes it; close() is idempotent', async () => {
    const server = createServer();
    const stream = attachEventStream(options({ server }));
    expect(server.listenerCount('upgrade')).toBe(1);
    const closing = stream.close();
    expect(stream.close()).toBe(closing);
    await closing;
    expect(server.listenerCount('upgrade')).toBe(0);
    await stream[Symbol.asyncDispose]();
    expect(stream.stats()).toEqual({
      connections: 0,
      slowConsumerCloses: 0,
      maxBufferedBytesSeen: 0,
      messagesSent: 0,
    });
  });
});
