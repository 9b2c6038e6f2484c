import { BcsError, ErrorCode } from '@bcs/core';

/**
 * Why a call failed:
 * - `not-subscribed`: no SUBSCRIBED on the current stream; the call never reached the wire.
 * - `http`: the master answered with a status other than 202 (`status`, and its text in `body`).
 * - `network`: the connection failed (refused, reset); `cause` is the socket error.
 * - `timeout`: no answer within `callTimeoutMs`.
 * - `closed`: the driver was disposed while the call was in flight.
 */
export type MesosCallFailure = 'not-subscribed' | 'http' | 'network' | 'timeout' | 'closed';

/**
 * A Mesos call that was not accepted (spec/mesos-v1.md §1): `status` is the master's HTTP status (400, 403,
 * 409, 503, ...), or 503 when the call never got an answer (`not-subscribed`, `network`, `closed`) and 504 on
 * a timeout. `body` is the master's message ("Framework is not subscribed"), empty without one; for a 307
 * (the leader moved), its `Location`.
 *
 * Codes: 400, 404, 409 and other 4xx but 403 → `ParameterError` (the call itself is wrong); everything else
 * (403, 5xx, no answer) → `NoCluster` (the link to the master is not usable now).
 */
export class MesosCallError extends BcsError {
  override readonly name = 'MesosCallError';
  readonly failure: MesosCallFailure;
  readonly body: string;

  constructor(
    failure: MesosCallFailure,
    status: number,
    message: string,
    options: { readonly body?: string; readonly cause?: unknown } = {},
  ) {
    super(codeOf(status), message, {
      status,
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.failure = failure;
    this.body = options.body ?? '';
  }
}

function codeOf(status: number): ErrorCode {
  return status >= 400 && status < 500 && status !== 403 ? ErrorCode.ParameterError : ErrorCode.NoCluster;
}
