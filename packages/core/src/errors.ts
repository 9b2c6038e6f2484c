/**
 * The v4 numeric error codes. Values 1405000–1405234 are the original's (spec/bcs-behaviour.md §12) and keep
 * their meaning; 14054xx (authentication: 401, 403) and 14059xx are ours, for failures the original had no code for. The table with HTTP statuses is
 * in `packages/core/README.md`.
 */
export const ErrorCode = {
  /** Success. */
  Ok: 0,
  /** The store could not be reached or is not open (the original's ZK connect failure). */
  StoreNotOpen: 1405001,
  /** The request body could not be read: too large, or the connection broke. */
  ReadBody: 1405006,
  /** A path or query parameter is invalid. */
  BadParams: 1405007,
  /** The request body is well-formed JSON but breaks a rule ("request data not correct"). */
  InvalidData: 1405008,
  /** The request body is not JSON. */
  JsonDecode: 1405010,
  /** An unexpected failure inside the scheduler. */
  Internal: 1405200,
  /** The object already exists. */
  AlreadyExists: 1405201,
  /** The object, or the route, does not exist. */
  NotFound: 1405202,
  /** A parameter is out of range or refers to something that cannot be used. */
  ParameterError: 1405231,
  /** A message type that is not known. */
  UnknownMessageType: 1405233,
  /** A request filter refused the request: the `BCS-ClusterID` header, an admission webhook. */
  FilterFailed: 1405234,
  /** Authentication is on and the request carries no token, or one the scheduler does not know (HTTP 401). */
  Unauthorized: 1405401,
  /** The token is known but its role or namespaces do not allow the request (HTTP 403). */
  Forbidden: 1405403,
  /** An optimistic-concurrency precondition failed: the object changed since it was read. */
  Conflict: 1405901,
  /** The endpoint exists in the API but is not implemented yet. */
  NotImplemented: 1405902,
  /** The HTTP method is not allowed on this route. */
  MethodNotAllowed: 1405903,
  /** The requested change-feed history has been compacted away. */
  Compacted: 1405904,
  /** The scheduler has no Mesos cluster to run applications on. */
  NoCluster: 1405905,
  /** A stored record cannot be read back (its stored form is not valid JSON, say); it is kept as it is. */
  Unreadable: 1405906,
  /**
   * An admission webhook with `failurePolicy: Fail` could not be used: unreachable, timed out, TLS refused,
   * not 200, or an answer that is not a valid admission response, patch or definition (HTTP 502; 504 on a
   * timeout). The message names the webhook and its configuration.
   */
  WebhookFailed: 1405910,
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The HTTP status each code answers with. */
export const httpStatusOf: Readonly<Record<ErrorCode, number>> = {
  [ErrorCode.Ok]: 200,
  [ErrorCode.StoreNotOpen]: 503,
  [ErrorCode.ReadBody]: 400,
  [ErrorCode.BadParams]: 400,
  [ErrorCode.InvalidData]: 400,
  [ErrorCode.JsonDecode]: 400,
  [ErrorCode.Internal]: 500,
  [ErrorCode.AlreadyExists]: 409,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.ParameterError]: 400,
  [ErrorCode.UnknownMessageType]: 400,
  [ErrorCode.FilterFailed]: 400,
  [ErrorCode.Unauthorized]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.NotImplemented]: 501,
  [ErrorCode.MethodNotAllowed]: 405,
  [ErrorCode.Compacted]: 410,
  [ErrorCode.NoCluster]: 503,
  [ErrorCode.Unreadable]: 500,
  [ErrorCode.WebhookFailed]: 502,
};

/** One broken rule of a validation: the dotted field path (`metadata.name`, `datas.a.type`) and the rule. */
export interface Issue {
  readonly path: string;
  readonly rule: string;
}

export interface BcsErrorOptions {
  readonly cause?: unknown;
  /** Overrides the HTTP status implied by the code (for example 413 for an oversized body). */
  readonly status?: number;
}

/**
 * The one error type of bcs-scheduler: a stable numeric `code` (test on it, never on the message), a message
 * safe to show a client, and the original error as `cause`. Messages never contain secret values.
 */
export class BcsError extends Error {
  override readonly name: string = 'BcsError';
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message: string, options: BcsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? httpStatusOf[code];
  }
}

/** The object does not exist (code `NotFound`, HTTP 404). */
export class NotFoundError extends BcsError {
  override readonly name = 'NotFoundError';
  constructor(what: string, options?: BcsErrorOptions) {
    super(ErrorCode.NotFound, `${what} not found`, options);
  }
}

/** The object exists already (code `AlreadyExists`, HTTP 409). */
export class AlreadyExistsError extends BcsError {
  override readonly name = 'AlreadyExistsError';
  constructor(what: string, options?: BcsErrorOptions) {
    super(ErrorCode.AlreadyExists, `${what} already exists`, options);
  }
}

/** A precondition failed: the object changed concurrently (code `Conflict`, HTTP 409). */
export class ConflictError extends BcsError {
  override readonly name = 'ConflictError';
  constructor(message: string, options?: BcsErrorOptions) {
    super(ErrorCode.Conflict, message, options);
  }
}

/**
 * Input broke one or more rules (code `InvalidData` by default, HTTP 400). `issues` lists every offending
 * field path with its rule; the message joins them, e.g. `invalid configmap: metadata.name: is required`.
 */
export class ValidationError extends BcsError {
  override readonly name = 'ValidationError';
  readonly issues: readonly Issue[];
  constructor(subject: string, issues: readonly Issue[], code: ErrorCode = ErrorCode.InvalidData) {
    super(code, `invalid ${subject}: ${issues.map(formatIssue).join('; ')}`);
    this.issues = issues;
  }
}

/** `path: rule`, or just the rule when the path is empty (the whole value). */
export function formatIssue(issue: Issue): string {
  return issue.path === '' ? issue.rule : `${issue.path}: ${issue.rule}`;
}

/** True for a `BcsError`, also across duplicate module copies. */
export function isBcsError(value: unknown): value is BcsError {
  return (
    value instanceof BcsError || (value instanceof Error && typeof (value as BcsError).code === 'number')
  );
}
