import { randomUUID } from 'node:crypto';
import type {
  MesosCall,
  MesosDriver,
  MesosEvent,
  MesosFrameworkInfo,
  MesosOffer,
  MesosTaskStatus,
} from '@bcs/core';
import { afterEach } from 'vitest';
import type { MesosDriverConformanceOptions, MesosDriverHarness } from './options.js';
import { aLaunchGroupCall, type LaunchTaskSpec, offeredScalar } from './payloads.js';

const DEFAULT_FRAMEWORK: MesosFrameworkInfo = {
  user: 'bcs',
  name: 'bcs-conformance',
  capabilities: [{ type: 'TASK_KILLING_STATE' }],
};

/**
 * One subscribed driver under test. It records every event and checks the delivery rules as they happen: an
 * event delivered while `call()` runs synchronously, or while the listener is still running, is a violation.
 */
export class DriverSession {
  readonly events: MesosEvent[] = [];
  readonly violations: string[] = [];
  readonly launched: { taskId: string; agentId: string }[] = [];
  frameworkId: string | undefined;
  readonly #driver: MesosDriver;
  readonly #harness: MesosDriverHarness;
  readonly #options: Required<Omit<MesosDriverConformanceOptions, 'modules'>>;
  readonly #available = new Map<string, MesosOffer>();
  #inCall = false;
  #inListener = false;
  /** Extra work run inside the listener (to test calls made from it). */
  onEvent: ((event: MesosEvent) => void) | undefined;

  constructor(harness: MesosDriverHarness, options: MesosDriverConformanceOptions) {
    this.#harness = harness;
    this.#driver = harness.driver;
    this.#options = {
      framework: options.framework ?? DEFAULT_FRAMEWORK,
      patienceMs: options.patienceMs ?? 30_000,
      stepMs: options.stepMs ?? 250,
    };
  }

  get driver(): MesosDriver {
    return this.#driver;
  }

  /** Subscribes with the suite's framework. */
  async subscribe(): Promise<void> {
    await this.#driver.subscribe(this.#options.framework, (event) => this.#receive(event));
  }

  /** Sends `call` the way the rules are checked: nothing may be delivered during its synchronous part. */
  async call(call: MesosCall): Promise<void> {
    this.#inCall = true;
    let pending: Promise<void>;
    try {
      pending = this.#driver.call(call);
    } finally {
      this.#inCall = false;
    }
    await pending;
  }

  /** Lets master time pass. */
  advance(ms: number): Promise<void> {
    return this.#harness.advance(ms);
  }

  /** Advances in steps until `find` returns something, failing after the patience runs out. */
  async waitFor<T>(label: string, find: (session: DriverSession) => T | undefined): Promise<T> {
    for (let waited = 0; ; waited += this.#options.stepMs) {
      const found = find(this);
      if (found !== undefined) return found;
      if (waited >= this.#options.patienceMs) {
        const seen = this.events.map((e) => describeEvent(e)).join(', ');
        throw new Error(`timed out waiting for ${label}; events: ${seen}`);
      }
      await this.advance(this.#options.stepMs);
    }
  }

  /** The framework id from SUBSCRIBED, waiting for it. */
  async subscribed(): Promise<string> {
    return this.waitFor('SUBSCRIBED', (s) => s.frameworkId);
  }

  /** Every task status received, in order. */
  updates(taskId?: string): MesosTaskStatus[] {
    const out: MesosTaskStatus[] = [];
    for (const e of this.events) {
      if (e.type === 'UPDATE' && (taskId === undefined || e.update.status.task_id.value === taskId))
        out.push(e.update.status);
    }
    return out;
  }

  /** Waits for an update of `taskId` matching `test` that arrived after the first `after` updates of it. */
  waitForUpdate(taskId: string, label: string, test: (s: MesosTaskStatus) => boolean, after = 0) {
    return this.waitFor(`${taskId} ${label}`, (s) => s.updates(taskId).slice(after).find(test));
  }

  /** Takes (for this test's exclusive use) an unused offer with room for `cpus` and `mem`. */
  takeOffer(cpus = 0.3, mem = 96): Promise<MesosOffer> {
    return this.waitFor('a usable offer', () => {
      for (const offer of this.#available.values()) {
        if (offeredScalar(offer, 'cpus') >= cpus && offeredScalar(offer, 'mem') >= mem) {
          this.#available.delete(offer.id.value);
          return offer;
        }
      }
      return undefined;
    });
  }

  /** Launches one task group of `tasks` (ids made unique) on a fresh offer; returns the task ids. */
  async launch(
    tasks: readonly Omit<LaunchTaskSpec, 'id'>[] = [{}],
  ): Promise<{ taskIds: string[]; offer: MesosOffer }> {
    const frameworkId = await this.subscribed();
    const offer = await this.takeOffer();
    const stem = `conformance-${randomUUID().slice(0, 8)}`;
    const specs = tasks.map((task, i) => ({ ...task, id: `${stem}-${i}` }));
    await this.call(aLaunchGroupCall(offer, { frameworkId, executorId: stem, tasks: specs }));
    for (const spec of specs) this.launched.push({ taskId: spec.id, agentId: offer.agent_id.value });
    return { taskIds: specs.map((s) => s.id), offer };
  }

  /** ACKNOWLEDGE of an update that carries a uuid. */
  ack(status: MesosTaskStatus): Promise<void> {
    return this.call({
      type: 'ACKNOWLEDGE',
      acknowledge: { agent_id: status.agent_id!, task_id: status.task_id, uuid: status.uuid! },
    });
  }

  /** Acknowledges updates of `taskId` as they come until one with `state` arrives (acknowledged too). */
  async ackUntil(taskId: string, state: MesosTaskStatus['state']): Promise<MesosTaskStatus> {
    const acked = new Set<string>();
    return this.waitFor(`${taskId} ${state}`, () => {
      for (const status of this.updates(taskId)) {
        if (status.uuid === undefined || acked.has(status.uuid)) continue;
        acked.add(status.uuid);
        this.ack(status).catch((error: unknown) =>
          this.violations.push(`ACKNOWLEDGE rejected: ${String(error)}`),
        );
        if (status.state === state) return status;
      }
      return undefined;
    });
  }

  /**
   * Best-effort cleanup for real clusters: kills what this session launched, disposes the driver, then lets
   * the harness release the rest (`close`).
   */
  async close(): Promise<void> {
    for (const { taskId, agentId } of this.launched) {
      await this.call({
        type: 'KILL',
        kill: { task_id: { value: taskId }, agent_id: { value: agentId } },
      }).catch(() => undefined);
    }
    await this.#driver.dispose();
    await this.#harness.close?.();
  }

  #receive(event: MesosEvent): void {
    if (this.#inCall) this.violations.push(`${event.type} delivered inside call()`);
    if (this.#inListener) this.violations.push(`${event.type} delivered re-entrantly`);
    this.#inListener = true;
    try {
      this.events.push(event);
      if (event.type === 'SUBSCRIBED') this.frameworkId = event.subscribed.framework_id.value;
      if (event.type === 'OFFERS')
        for (const offer of event.offers.offers) this.#available.set(offer.id.value, offer);
      if (event.type === 'RESCIND') this.#available.delete(event.rescind.offer_id.value);
      this.onEvent?.(event);
    } finally {
      this.#inListener = false;
    }
  }
}

/** Creates sessions for a test and closes them all after it. Call inside the suite's `describe`. */
export function createDriverSuite(
  factory: () => Promise<MesosDriverHarness>,
  options: MesosDriverConformanceOptions,
): { start(): Promise<DriverSession> } {
  const live: DriverSession[] = [];
  afterEach(async () => {
    const sessions = live.splice(0);
    for (const session of sessions) await session.close();
  });
  return {
    start: async () => {
      const session = new DriverSession(await factory(), options);
      live.push(session);
      await session.subscribe();
      return session;
    },
  };
}

/** `UPDATE(t-1 TASK_RUNNING)`, `OFFERS(2)`, `HEARTBEAT`: compact event names for failure messages. */
export function describeEvent(event: MesosEvent): string {
  if (event.type === 'UPDATE')
    return `UPDATE(${event.update.status.task_id.value} ${event.update.status.state})`;
  if (event.type === 'OFFERS') return `OFFERS(${event.offers.offers.length})`;
  return event.type;
}

/** True when `uuid` is base64 of 16 bytes with the RFC 4122 version 4 and variant bits. */
export function isV4UuidBase64(uuid: string | undefined): boolean {
  if (uuid === undefined || !/^[A-Za-z0-9+/]{22}==$/.test(uuid)) return false;
  const bytes = Buffer.from(uuid, 'base64');
  return bytes.length === 16 && bytes[6]! >>> 4 === 4 && (bytes[8]! & 0xc0) === 0x80;
}
