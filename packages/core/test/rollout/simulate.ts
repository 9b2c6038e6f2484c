import type { RollingUpdateSettings } from '../../src/resources/deployment.js';
import {
  cancelRollout,
  pauseRollout,
  ROLLOUT_CONTROL_PHASES,
  resumeRollout,
} from '../../src/rollout/control.js';
import { resolveRolloutBounds } from '../../src/rollout/fenceposts.js';
import { planRolloutStep } from '../../src/rollout/plan.js';
import {
  type AppCounts,
  createRolloutState,
  type RolloutAppRole,
  type RolloutObservation,
  type RolloutState,
} from '../../src/rollout/state.js';

/**
 * A model cluster for the planner's property tests, in whole seconds. Each app has instances by index:
 * Pending → Running (available) after a random delay; an injected failure makes one Failed, restarted as
 * Pending after a delay unless permanent; a killed instance stops being available at once and is gone after a
 * random delay. The updater applies one planner action at a time, observing exactly after each, until `wait`.
 */

/** One injected event, at `at` seconds. */
export type SimEvent =
  | {
      readonly at: number;
      readonly kind: 'fail';
      readonly app: RolloutAppRole;
      readonly pick: number;
      readonly permanent: boolean;
    }
  /** The updater applies only `cut` actions of this second, then is down for `downtime` seconds. */
  | { readonly at: number; readonly kind: 'crash'; readonly cut: number; readonly downtime: number }
  | { readonly at: number; readonly kind: 'pause' }
  | { readonly at: number; readonly kind: 'cancel' };

/** A simulated rollout's inputs. */
export interface SimInput {
  readonly settings: RollingUpdateSettings;
  readonly desired: number;
  readonly oldDesired: number;
  readonly maxFailovers: number;
  readonly deadlineMs: number;
  /** A paused rollout is resumed at every multiple of this many seconds. */
  readonly resumeEvery: number;
  readonly events: readonly SimEvent[];
  /** Delays in seconds are drawn from this list, in turn. */
  readonly delays: readonly number[];
  readonly maxSeconds: number;
}

/** What a run produced. */
export interface SimResult {
  readonly state: RolloutState;
  readonly seconds: number;
  readonly failuresInjected: number;
  readonly cancelRequested: boolean;
  /** Invariant breaks, in words; empty when every check held. */
  readonly violations: string[];
  readonly final: RolloutObservation;
  /** Longest chain of planner answers in one second before a `wait` (or the end). */
  readonly longestChain: number;
}

interface Instance {
  readonly index: number;
  phase: 'pending' | 'running' | 'failed';
  readyAt: number;
  restartAt: number;
  permanent: boolean;
  killing: boolean;
  goneAt: number;
  /** Failed while available and not available since: availability taken by a failure, not by the planner. */
  down: boolean;
}

interface App {
  desired: number;
  instances: Instance[];
  failures: number;
}

const CHAIN_LIMIT = 12;

/** Runs one rollout to its end (or `maxSeconds`), checking the invariants after every change. */
export function simulate(input: SimInput): SimResult {
  const sim = new Simulation(input);
  return sim.run();
}

class Simulation {
  private state: RolloutState;
  private readonly apps: Record<RolloutAppRole, App>;
  private delayCursor = 0;
  private downUntil = 0;
  private failuresInjected = 0;
  private cancelRequested = false;
  private longestChain = 0;
  private readonly violations: string[] = [];
  /** A = available, D = down: A + D ≥ floor holds from the start (see `checkAvailability`). */
  private readonly initialPhi: number;

  constructor(private readonly input: SimInput) {
    this.state = createRolloutState({
      namespace: 'ns',
      name: 'web',
      desired: input.desired,
      oldDesired: input.oldDesired,
      settings: input.settings,
      oldApp: 'web',
      newApp: 'web-v1',
      now: 0,
      deadlineMs: input.deadlineMs,
      updatePolicy: { maxFailovers: input.maxFailovers },
    });
    const old: Instance[] = [];
    for (let index = 0; index < input.oldDesired; index++) old.push(this.instance(index, 'running', 0));
    this.apps = {
      old: { desired: input.oldDesired, instances: old, failures: 0 },
      new: { desired: 0, instances: [], failures: 0 },
    };
    this.initialPhi = input.oldDesired;
  }

  run(): SimResult {
    let t = 0;
    for (; t <= this.input.maxSeconds; t++) {
      this.advance(t);
      const crash = this.applyEvents(t);
      this.check(t, 'after cluster events');
      if (t >= this.downUntil) this.runUpdater(t, crash?.cut ?? CHAIN_LIMIT);
      if (crash !== undefined) this.downUntil = t + crash.downtime;
      if (this.isOver(t)) break;
    }
    return {
      state: this.state,
      seconds: t,
      failuresInjected: this.failuresInjected,
      cancelRequested: this.cancelRequested,
      violations: this.violations,
      final: this.observe(),
      longestChain: this.longestChain,
    };
  }

  private isOver(t: number): boolean {
    const { phase } = this.state;
    if (phase === 'done' || phase === 'cancelled') return true;
    const cancelLater = this.input.events.some((e) => e.kind === 'cancel' && e.at > t);
    return phase === 'suspended' && !cancelLater;
  }

  // ---- the cluster ----

  private advance(t: number): void {
    for (const app of Object.values(this.apps)) {
      app.instances = app.instances.filter((i) => !(i.killing && i.goneAt <= t));
      for (const i of app.instances) {
        if (i.killing) continue;
        if (i.phase === 'pending' && i.readyAt <= t) {
          i.phase = 'running';
          i.down = false;
        } else if (i.phase === 'failed' && !i.permanent && i.restartAt <= t) {
          i.phase = 'pending';
          i.readyAt = t + this.delay(1, 20);
        }
      }
    }
  }

  private applyEvents(t: number): Extract<SimEvent, { kind: 'crash' }> | undefined {
    let crash: Extract<SimEvent, { kind: 'crash' }> | undefined;
    for (const event of this.input.events) {
      if (event.at !== t) continue;
      if (event.kind === 'fail') this.fail(event, t);
      else if (event.kind === 'crash') crash = event;
      else if (event.kind === 'pause' && ROLLOUT_CONTROL_PHASES.pause.includes(this.state.phase)) {
        this.state = pauseRollout(this.state, t * 1000);
      } else if (event.kind === 'cancel' && ROLLOUT_CONTROL_PHASES.cancel.includes(this.state.phase)) {
        this.cancelRequested = true;
        this.state = cancelRollout(this.state, t * 1000);
      }
    }
    return crash;
  }

  private fail(event: Extract<SimEvent, { kind: 'fail' }>, t: number): void {
    const app = this.apps[event.app];
    const candidates = app.instances.filter((i) => !i.killing && i.phase !== 'failed');
    const victim = candidates[event.pick % Math.max(1, candidates.length)];
    if (victim === undefined) return;
    if (victim.phase === 'running') victim.down = true;
    victim.phase = 'failed';
    victim.permanent = event.permanent;
    victim.restartAt = t + this.delay(1, 15);
    app.failures += 1;
    this.failuresInjected += 1;
  }

  // ---- the updater ----

  private runUpdater(t: number, budget: number): void {
    if (this.state.phase === 'paused' && t % this.input.resumeEvery === 0) {
      this.state = resumeRollout(this.state, this.observe().new, t * 1000);
    }
    for (let chain = 1; chain <= budget; chain++) {
      const step = planRolloutStep(this.state, this.observe(), t * 1000);
      this.longestChain = Math.max(this.longestChain, chain);
      if (step.type === 'wait') return;
      if (step.type === 'scale') this.scale(step.app, step.to, t);
      else this.state = step.state;
      if (step.type === 'finish')
        this.expect(this.apps.old.instances.length === 0, t, 'finish with old instances');
      if (step.type === 'cancelled')
        this.expect(this.apps.new.instances.length === 0, t, 'cancelled with new ones');
      this.check(t, `after ${step.type}`);
      if (step.type === 'finish' || step.type === 'cancelled') return;
    }
    if (budget === CHAIN_LIMIT) this.violations.push(`t=${t}: no wait after ${CHAIN_LIMIT} answers`);
  }

  private scale(role: RolloutAppRole, to: number, t: number): void {
    const app = this.apps[role];
    if (to > app.desired) {
      this.expect(app.instances.length <= app.desired, t, `scale-up of ${role} while kills are in flight`);
      for (let index = app.desired; index < to; index++) {
        app.instances.push(this.instance(index, 'pending', t + this.delay(1, 20)));
      }
      this.expect(this.footprint() <= this.bounds().surgeCap, t, `scale-up of ${role} past the surge cap`);
    } else {
      for (const i of app.instances) {
        if (i.index < to || i.killing) continue;
        i.killing = true;
        i.down = false;
        i.goneAt = t + this.delay(0, 10);
      }
      // Every kill the planner asks for leaves the floor available, even if all killed ones were available.
      const { available } = this.totals();
      if (!this.state.forced) {
        this.expect(
          available >= this.bounds().minAvailable,
          t,
          `kill of ${role} left ${available} available`,
        );
      }
    }
    app.desired = to;
  }

  // ---- invariants ----

  private check(t: number, when: string): void {
    const { surgeCap, minAvailable } = this.bounds();
    const { existing, available, down } = this.totals();
    const ceiling = Math.max(surgeCap, this.input.oldDesired);
    // (a) Old and new together never exceed the surge cap (Pending, Failed and killed-not-gone included).
    this.expect(existing <= ceiling, t, `${when}: ${existing} instances > ${ceiling}`);
    // (b) available + down ≥ floor: only failures (down) take availability below the floor; the planner never.
    const floor = Math.min(minAvailable, this.initialPhi);
    if (!this.state.forced) {
      this.expect(available + down >= floor, t, `${when}: ${available} available + ${down} down < ${floor}`);
    }
  }

  private expect(ok: boolean, t: number, what: string): void {
    if (!ok) this.violations.push(`t=${t} ${this.state.phase}: ${what}`);
  }

  private bounds() {
    const towards = this.state.phase === 'cancelling' ? this.input.oldDesired : this.input.desired;
    return resolveRolloutBounds(towards, this.input.settings);
  }

  private totals(): { existing: number; available: number; down: number } {
    let existing = 0;
    let available = 0;
    let down = 0;
    for (const app of Object.values(this.apps)) {
      for (const i of app.instances) {
        existing += 1;
        if (i.phase === 'running' && !i.killing) available += 1;
        if (i.down && !i.killing) down += 1;
      }
    }
    return { existing, available, down };
  }

  private footprint(): number {
    return Object.values(this.apps).reduce((n, app) => n + Math.max(app.desired, app.instances.length), 0);
  }

  private observe(): RolloutObservation {
    return { old: countsOf(this.apps.old), new: countsOf(this.apps.new) };
  }

  private instance(index: number, phase: Instance['phase'], readyAt: number): Instance {
    return { index, phase, readyAt, restartAt: 0, permanent: false, killing: false, goneAt: 0, down: false };
  }

  private delay(min: number, max: number): number {
    const raw = this.input.delays[this.delayCursor % this.input.delays.length] ?? 0;
    this.delayCursor += 1;
    return min + (raw % (max - min + 1));
  }
}

function countsOf(app: App): AppCounts {
  let running = 0;
  let available = 0;
  for (const i of app.instances) {
    if (i.phase !== 'running') continue;
    running += 1;
    if (!i.killing) available += 1;
  }
  return { desired: app.desired, total: app.instances.length, running, available, failed: app.failures };
}
