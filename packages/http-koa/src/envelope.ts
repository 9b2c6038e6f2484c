import { ErrorCode } from '@bcs/core';

/**
 * The v4 response envelope, on every response including errors (spec/api-v4.md "返回格式"):
 * `result` is true exactly when `code` is 0; `data` is `null` on errors.
 */
export interface Envelope<T = unknown> {
  readonly result: boolean;
  readonly code: number;
  readonly message: string;
  readonly data: T | null;
}

/** A success envelope: code 0, message `success`. `undefined` data becomes `null`. */
export function success<T>(data: T | undefined): Envelope<T> {
  return { result: true, code: ErrorCode.Ok, message: 'success', data: data ?? null };
}

/** A failure envelope with a non-zero code. */
export function failure(code: number, message: string): Envelope<never> {
  return { result: false, code, message, data: null };
}
