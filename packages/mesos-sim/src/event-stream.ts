import type { MesosEvent, MesosEventListener } from '@bcs/core';

/**
 * One subscription's event stream: events are queued and delivered to the listener on a later microtask, in
 * order, never inside the call that caused them and never re-entrantly (an event queued while the listener
 * runs is delivered after it returns). A listener that throws does not stop the stream: the error is rethrown
 * on its own microtask, where the test runner reports it as an uncaught error.
 */
export class EventStream {
  readonly #listener: MesosEventListener;
  #queue: MesosEvent[] = [];
  #head = 0;
  #scheduled = false;
  #accepting = true;
  #delivering = true;

  constructor(listener: MesosEventListener) {
    this.#listener = listener;
  }

  /** False once `close()` or `end()` was called. */
  get open(): boolean {
    return this.#accepting;
  }

  /** Queues `event` for delivery; ignored once the stream is closed or ending. */
  push(event: MesosEvent): void {
    if (!this.#accepting) return;
    this.#queue.push(event);
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => this.#drain());
    }
  }

  /** Queues `last` (an ERROR, say), delivers what is queued, then stops. */
  end(last?: MesosEvent): void {
    if (last !== undefined) this.push(last);
    this.#accepting = false;
  }

  /** Stops at once; queued events are dropped, as they are when a real stream breaks. */
  close(): void {
    this.#accepting = false;
    this.#delivering = false;
    this.#queue = [];
    this.#head = 0;
  }

  #drain(): void {
    while (this.#delivering && this.#head < this.#queue.length) {
      const event = this.#queue[this.#head++]!;
      try {
        this.#listener(event);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    this.#queue = [];
    this.#head = 0;
    this.#scheduled = false;
  }
}
