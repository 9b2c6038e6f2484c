import type { MesosCall, MesosDriver, MesosEvent, MesosEventListener, MesosFrameworkInfo } from '@bcs/core';
import { EventStream } from '@bcs/mesos-sim';

/** Options of {@link FakeMesosDriver}. */
export interface FakeMesosDriverOptions {
  /**
   * The framework id SUBSCRIBED reports when `subscribe()` gets a framework without one (default
   * `'fake-master-0000'`). A framework with an id gets its own id back.
   */
  readonly frameworkId?: string;
}

/** The calls of one type, narrowed: `driver.callsOf('ACCEPT')[0].accept`. */
export type MesosCallOf<T extends MesosCall['type']> = Extract<MesosCall, { readonly type: T }>;

/**
 * A recording {@link MesosDriver} with no master behind it (style point 30: fakes record actions, and tests
 * list the actions they expect). It records every call and the subscribed framework; a test scripts the
 * master's side with `emit()`.
 *
 * - `subscribe()` queues SUBSCRIBED then HEARTBEAT, like a real master, and sets `subscribed`.
 * - `emit(event)` delivers to the listener on a later microtask, in order, never re-entrantly.
 * - `call()` records and resolves; it never rejects and produces no events.
 * - `dispose()` closes the stream (queued events are dropped) and clears `subscribed`.
 *
 * For offers, launches, acknowledgements and kills with master semantics, use `SimulatedCluster`.
 */
export class FakeMesosDriver implements MesosDriver {
  readonly #frameworkId: string;
  readonly #calls: MesosCall[] = [];
  #stream: EventStream | undefined;
  #framework: MesosFrameworkInfo | undefined;

  constructor(options: FakeMesosDriverOptions = {}) {
    this.#frameworkId = options.frameworkId ?? 'fake-master-0000';
  }

  /** Every call, in order, as passed. */
  get calls(): readonly MesosCall[] {
    return this.#calls;
  }

  /** True between `subscribe()` and `dispose()`. */
  get subscribed(): boolean {
    return this.#stream !== undefined;
  }

  /** The framework of the latest `subscribe()`. */
  get framework(): MesosFrameworkInfo | undefined {
    return this.#framework;
  }

  /** The recorded calls of one type, in order. */
  callsOf<T extends MesosCall['type']>(type: T): MesosCallOf<T>[] {
    return this.#calls.filter((call): call is MesosCallOf<T> => call.type === type);
  }

  /** Forgets the recorded calls (between the phases of a test). */
  clearCalls(): void {
    this.#calls.length = 0;
  }

  /** Queues SUBSCRIBED (the framework's own id, else `options.frameworkId`) and HEARTBEAT. */
  async subscribe(framework: MesosFrameworkInfo, listener: MesosEventListener): Promise<void> {
    this.#stream?.close();
    this.#framework = framework;
    this.#stream = new EventStream(listener);
    const id = framework.id?.value ?? this.#frameworkId;
    this.#stream.push({
      type: 'SUBSCRIBED',
      subscribed: { framework_id: { value: id }, heartbeat_interval_seconds: 15 },
    });
    this.#stream.push({ type: 'HEARTBEAT' });
  }

  /** Records `call`. */
  async call(call: MesosCall): Promise<void> {
    this.#calls.push(call);
  }

  /** Delivers `event` to the subscribed listener on a later microtask; ignored when not subscribed. */
  emit(event: MesosEvent): void {
    this.#stream?.push(event);
  }

  /** Closes the stream. Idempotent. */
  async dispose(): Promise<void> {
    this.#stream?.close();
    this.#stream = undefined;
  }

  /** Same as `dispose()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}
