import { createMemoryStore, ManualClock } from '@bcs/testing';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { container } from 'tsyringe';
import { afterEach, beforeEach, expect } from 'vitest';
import {
  type BatchOp,
  BcsError,
  ErrorCode,
  type Issue,
  registerCore,
  type Store,
  ValidationError,
} from '../../src/index.js';

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

/** A service under test and the {@link TestCore} it was resolved from. */
export interface ServiceUnderTest<S> {
  readonly core: TestCore;
  readonly service: S;
  /**
   * Asserts that `action` is refused with `code` and that the store's revision did not move (nothing was
   * written). Returns the error, for further checks.
   */
  refused(action: () => Promise<unknown>, code: number): Promise<BcsError & { issues?: readonly Issue[] }>;
}

/**
 * Gives each test of the enclosing `describe` (or file) a fresh {@link TestCore} with `Service` resolved from
 * it, and disposes the store after the test. Read the returned object's properties inside tests and hooks
 * only: they change before every test.
 */
export function useTestCore<S>(Service: InjectionToken<S>): ServiceUnderTest<S> {
  let current: { core: TestCore; service: S } | undefined;
  beforeEach(() => {
    const core = createTestCore();
    current = { core, service: core.container.resolve(Service) };
  });
  afterEach(async () => {
    await current?.core.store.dispose();
    current = undefined;
  });
  const now = () => {
    if (current === undefined) throw new Error('useTestCore: read it only inside a test or hook');
    return current;
  };
  return {
    get core() {
      return now().core;
    },
    get service() {
      return now().service;
    },
    async refused(action, code) {
      const { store } = now().core;
      const before = await store.revision();
      const error = await rejectionOf(action());
      expect(error.code).toBe(code);
      expect(await store.revision()).toBe(before);
      return error;
    },
  };
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

/** Runs `action`, which must throw a `ValidationError` (any code), and returns it. */
export function validationFailure(action: () => unknown): ValidationError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

/**
 * Runs `parse`, which must throw a `ValidationError` with code `InvalidData`, and returns its issue paths
 * (each issue must state a rule; see {@link issuePaths}).
 */
export function pathsOf(parse: () => unknown): string[] {
  const error = validationFailure(parse);
  expect(error.code).toBe(ErrorCode.InvalidData);
  return issuePaths(error);
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
