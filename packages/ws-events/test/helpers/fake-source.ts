import type { EventMessage, EventSource, Logger, SubscribeOptions, TaskGroupStatusEvent } from '@bcs/core';

/** A taskgroup event at `seq`; `overrides` replace any field. */
export function taskgroupEvent(
  seq: number,
  overrides: Partial<TaskGroupStatusEvent> = {},
): TaskGroupStatusEvent {
  return {
    seq,
    time: 1_700_000_000_000 + seq,
    kind: 'taskgroup.status',
    namespace: 'ns1',
    application: 'app1',
    taskgroup: `0.app1.ns1.BCS-TEST-00001.${1_000 + seq}`,
    index: 0,
    from: 'Staging',
    to: 'Running',
    host: '10.0.0.1',
    agentId: 'agent-1',
    message: 'running',
    versionId: 'v1',
    ...overrides,
  };
}

/** Makes a message on demand; `undefined` when it has nothing (the subscription then waits). */
export type Producer = (subscription: FakeSubscription) => EventMessage | undefined;

/**
 * A fake `EventSource`: every subscription first yields `hello` ({@link FakeEventSource.head}), then whatever
 * {@link FakeEventSource.publish} pushes, then — if set — what {@link FakeEventSource.producer} makes. It records
 * the options of every subscription and how each ended.
 */
export class FakeEventSource implements EventSource {
  readonly subscriptions: FakeSubscription[] = [];
  head = 0;
  oldest = 1;
  producer: Producer | undefined;
  /** Thrown by `next()` once a subscription has nothing queued. */
  failWith: Error | undefined;

  subscribe(options: SubscribeOptions = {}): FakeSubscription {
    const subscription = new FakeSubscription(this, options);
    this.subscriptions.push(subscription);
    return subscription;
  }

  /** Wakes every waiting subscription without queuing anything: its producer is asked again. */
  wake(): void {
    for (const subscription of this.subscriptions) subscription.wakeUp();
  }

  /** Queues `message` on every subscription that has not ended. */
  publish(message: EventMessage): void {
    for (const subscription of this.subscriptions) subscription.push(message);
  }
}

/** One subscription of {@link FakeEventSource}. */
export class FakeSubscription implements AsyncIterableIterator<EventMessage> {
  /** `return()` was called. */
  returned = false;
  /** The options' signal aborted. */
  aborted = false;
  /** Messages handed out, and the byte length of the largest one's JSON. */
  yielded = 0;
  maxMessageBytes = 0;
  /** Free for producers: the last sequence number they made. */
  lastProduced = 0;
  private readonly queue: EventMessage[] = [];
  private wake: (() => void) | undefined;

  constructor(
    private readonly source: FakeEventSource,
    readonly options: SubscribeOptions,
  ) {
    this.queue.push({ type: 'hello', seq: source.head, oldest: source.oldest });
    options.signal?.addEventListener(
      'abort',
      () => {
        this.aborted = true;
        this.wakeUp();
      },
      { once: true },
    );
  }

  get ended(): boolean {
    return this.returned || this.aborted;
  }

  push(message: EventMessage): void {
    if (this.ended) return;
    this.queue.push(message);
    this.wakeUp();
  }

  async next(): Promise<IteratorResult<EventMessage, undefined>> {
    for (;;) {
      if (this.ended) return { done: true, value: undefined };
      const message = this.queue.shift() ?? this.source.producer?.(this);
      if (message !== undefined) {
        this.yielded += 1;
        this.maxMessageBytes = Math.max(this.maxMessageBytes, Buffer.byteLength(JSON.stringify(message)));
        return { done: false, value: message };
      }
      if (this.source.failWith !== undefined) throw this.source.failWith;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  async return(): Promise<IteratorResult<EventMessage, undefined>> {
    this.returned = true;
    this.wakeUp();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/**
 * A producer that never runs dry: `events` messages of `perMessage` taskgroup events, each carrying a
 * `padding`-character message, numbered 1, 2, 3… per subscription.
 */
export function firehose(perMessage: number, padding: number): Producer {
  const text = 'x'.repeat(padding);
  return (subscription) => {
    const events = Array.from({ length: perMessage }, () => {
      subscription.lastProduced += 1;
      return taskgroupEvent(subscription.lastProduced, { message: text });
    });
    return { type: 'events', events };
  };
}

/** A Logger that keeps every entry. */
export interface RecordingLogger extends Logger {
  readonly entries: { level: string; fields: object; message: string | undefined }[];
}

export function recordingLogger(): RecordingLogger {
  const entries: RecordingLogger['entries'] = [];
  const at =
    (level: string) =>
    (fields: object, message?: string): void => {
      entries.push({ level, fields, message });
    };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
