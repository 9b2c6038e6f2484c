import { createMemoryStore, ManualClock } from '@bcs/testing';
import type { DependencyContainer } from 'tsyringe';
import { container } from 'tsyringe';
import { type BatchOp, BcsError, type Issue, registerCore, type Store } from '../../src/index.js';

/** 2026-11-24T06:04:00Z: the fixed start time of every service test. */
export const T0 = Date.UTC(2026, 10, 24, 6, 4, 0);

/** A core wired the way transports wire it: a fresh child container, a memory store and a manual clock. */
export interface TestCore {
  readonly store: Store;
  readonly clock: ManualClock;
  readonly container: DependencyContainer;
}

/** Registers core in a child container over `store` (default: a new memory store), clock at {@link T0}. */
export function createTestCore(store: Store = createMemoryStore()): TestCore {
  const clock = new ManualClock(T0);
  return { store, clock, container: registerCore(container.createChildContainer(), { store, clock }) };
}

/** Runs `action` and returns what it rejected with; fails the test if it resolved. */
export async function rejectionOf(
  action: Promise<unknown>,
): Promise<BcsError & { issues?: readonly Issue[] }> {
  try {
    await action;
  } catch (error) {
    if (error instanceof BcsError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

/** The paths of a `ValidationError`'s issues, each of which must carry a non-empty rule. */
export function issuePaths(error: { issues?: readonly Issue[] }): string[] {
  const issues = error.issues ?? [];
  for (const issue of issues) if (issue.rule === '') throw new Error(`issue ${issue.path} has no rule`);
  return issues.map((issue) => issue.path);
}

/**
 * Makes the next `times` calls of `store.batch` first run `interfere` (a concurrent writer), then the batch
 * itself. Returns every batch's operations, in call order.
 */
export function interfereWithBatches(
  store: Store,
  times: number,
  interfere: () => Promise<unknown>,
): BatchOp[][] {
  const batch = store.batch.bind(store);
  const calls: BatchOp[][] = [];
  store.batch = async (ops) => {
    calls.push([...ops]);
    if (calls.length <= times) await interfere();
    return batch(ops);
  };
  return calls;
}
