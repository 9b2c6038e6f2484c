import { createToken } from '../tokens.js';

/**
 * The bounds every {@link Outbound} adapter enforces, whatever a caller asks: a request outside them is refused
 * with reason `invalid-request` before anything is sent.
 */
export const OUTBOUND_LIMITS = {
  /** The longest `timeoutMs` a call may ask for: 60 s. */
  maxTimeoutMs: 60_000,
  /** The largest request body, in UTF-8 bytes: 4 MiB. */
  maxRequestBytes: 4 * 1024 * 1024,
  /** The largest `maxResponseBytes` a call may ask for: 16 MiB. */
  maxResponseBytes: 16 * 1024 * 1024,
  /** The longest URL, in characters. */
  maxUrlLength: 2048,
  /** The most request headers, and the longest header value in characters. */
  maxHeaders: 64,
  maxHeaderValueLength: 8192,
} as const;

/** One HTTP(S) call the scheduler makes (an admission webhook, later a remote health check). */
export interface OutboundHttpRequest {
  /** Absolute `http:` or `https:` URL. Redirects are never followed: a 3xx is returned as it is. */
  readonly url: string;
  /** `GET`, `POST`, `PUT`, `HEAD`… in upper case. */
  readonly method: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The request body as text (sent as UTF-8), at most {@link OUTBOUND_LIMITS}.maxRequestBytes. */
  readonly body?: string;
  /**
   * Milliseconds for the whole exchange (connect, TLS, request, response), 1 to
   * {@link OUTBOUND_LIMITS}.maxTimeoutMs; past it the call fails with reason `timeout`.
   */
  readonly timeoutMs: number;
  /**
   * PEM certificates (one or more) that alone are trusted for an `https:` URL's server certificate, instead
   * of the system's CAs. Ignored for `http:`. Certificates are always verified, host name included.
   */
  readonly caBundle?: string;
  /** The largest response body accepted, in bytes (1 to {@link OUTBOUND_LIMITS}.maxResponseBytes); more → `too-large`. */
  readonly maxResponseBytes: number;
}

/** The answer to an {@link OutboundHttpRequest}, whatever its status. */
export interface OutboundHttpResponse {
  readonly status: number;
  /** Header names in lower case; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body decoded as UTF-8. */
  readonly body: string;
}

/** A TCP connection attempt (a remote TCP health check): connected, then closed at once. */
export interface OutboundTcpRequest {
  readonly host: string;
  readonly port: number;
  /** Milliseconds to connect, 1 to {@link OUTBOUND_LIMITS}.maxTimeoutMs. */
  readonly timeoutMs: number;
}

/**
 * Why an outbound call failed:
 * - `invalid-request`: the request breaks a bound or is malformed (bad URL, scheme, timeout); nothing was sent;
 * - `timeout`: `timeoutMs` passed;
 * - `refused`: nothing listens there (connection refused or reset before an answer, host not found);
 * - `tls`: the TLS handshake failed: the certificate is not trusted by `caBundle`, names another host, or the
 *   bundle is not valid PEM;
 * - `too-large`: the response body exceeds `maxResponseBytes`;
 * - `network`: any other transport failure.
 */
export type OutboundFailure = 'invalid-request' | 'timeout' | 'refused' | 'tls' | 'too-large' | 'network';

/**
 * A failed outbound call. Its message names the reason and the target host, never headers or bodies (they may
 * carry credentials); the adapter's own error is its `cause`.
 */
export class OutboundError extends Error {
  override readonly name = 'OutboundError';
  constructor(
    readonly reason: OutboundFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True for an {@link OutboundError}, also across duplicate module copies. */
export function isOutboundError(value: unknown): value is OutboundError {
  return (
    value instanceof Error &&
    value.name === 'OutboundError' &&
    typeof (value as OutboundError).reason === 'string'
  );
}

/**
 * The calls the scheduler makes to the outside: admission webhooks, and the later remote health checks. Core
 * does no I/O itself; the real adapter is `@bcs/outbound-http` (Node's http, https and net), the fake is
 * `FakeOutbound` in `@bcs/testing/fakes`, and both pass `outboundConformance` in `@bcs/testing/conformance`.
 * Every call is bounded in time and size ({@link OUTBOUND_LIMITS}); failures reject with {@link OutboundError}.
 */
export interface Outbound {
  /** One HTTP(S) exchange. Resolves with any status (a 500 is an answer, not a failure). */
  http(request: OutboundHttpRequest): Promise<OutboundHttpResponse>;
  /** Resolves once a TCP connection to `host:port` is established (then closed), or rejects. */
  tcpConnect(request: OutboundTcpRequest): Promise<void>;
}

export const OutboundToken = createToken<Outbound>('Outbound');

/**
 * The default when no adapter is registered: every call fails with reason `refused`, so an admission webhook
 * with `failurePolicy: Fail` blocks and one with `Ignore` is skipped, as if the target were down.
 */
export const unavailableOutbound: Outbound = {
  http: (request) =>
    Promise.reject(
      new OutboundError('refused', `no outbound adapter registered; ${hostOf(request.url)} not called`),
    ),
  tcpConnect: (request) =>
    Promise.reject(
      new OutboundError('refused', `no outbound adapter registered; ${request.host} not called`),
    ),
};

/** The `host:port` of a URL for messages (never its path or query, which may carry tokens); `?` if invalid. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '?';
  }
}

/**
 * Checks a request against {@link OUTBOUND_LIMITS} and the URL rules; the problem as a sentence, or undefined
 * when it may be sent. Adapters call it first and refuse with reason `invalid-request`.
 */
export function outboundRequestProblem(request: OutboundHttpRequest): string | undefined {
  if (typeof request.url !== 'string' || request.url.length > OUTBOUND_LIMITS.maxUrlLength) {
    return `url must be at most ${OUTBOUND_LIMITS.maxUrlLength} characters`;
  }
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return 'url is not an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'url must be http: or https:';
  if (url.username !== '' || url.password !== '') return 'url must not carry credentials';
  if (!/^[A-Z]{1,16}$/.test(request.method)) return 'method must be an upper-case HTTP method';
  const headers = headersProblem(request.headers ?? {});
  if (headers !== undefined) return headers;
  const timeout = timeoutProblem(request.timeoutMs);
  if (timeout !== undefined) return timeout;
  if (
    !Number.isInteger(request.maxResponseBytes) ||
    request.maxResponseBytes < 1 ||
    request.maxResponseBytes > OUTBOUND_LIMITS.maxResponseBytes
  ) {
    return `maxResponseBytes must be a whole number from 1 to ${OUTBOUND_LIMITS.maxResponseBytes}`;
  }
  if (request.body !== undefined && utf8Length(request.body) > OUTBOUND_LIMITS.maxRequestBytes) {
    return `body must be at most ${OUTBOUND_LIMITS.maxRequestBytes} bytes`;
  }
  return undefined;
}

/** Checks a TCP request's port and timeout; the problem as a sentence, or undefined. */
export function outboundTcpProblem(request: OutboundTcpRequest): string | undefined {
  if (typeof request.host !== 'string' || request.host === '' || request.host.length > 253) {
    return 'host must be 1 to 253 characters';
  }
  if (!Number.isInteger(request.port) || request.port < 1 || request.port > 65535) {
    return 'port must be a whole number from 1 to 65535';
  }
  return timeoutProblem(request.timeoutMs);
}

/** Header names are RFC 9110 tokens; values carry no CR, LF or NUL (no header injection). */
function headersProblem(headers: Readonly<Record<string, string>>): string | undefined {
  const entries = Object.entries(headers);
  if (entries.length > OUTBOUND_LIMITS.maxHeaders) return `at most ${OUTBOUND_LIMITS.maxHeaders} headers`;
  for (const [name, value] of entries) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/.test(name)) return 'header names must be HTTP tokens';
    if (
      typeof value !== 'string' ||
      value.length > OUTBOUND_LIMITS.maxHeaderValueLength ||
      /[\r\n\0]/.test(value)
    ) {
      return `header values must be text of at most ${OUTBOUND_LIMITS.maxHeaderValueLength} characters without line breaks`;
    }
  }
  return undefined;
}

function timeoutProblem(timeoutMs: number): string | undefined {
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > OUTBOUND_LIMITS.maxTimeoutMs) {
    return `timeoutMs must be a whole number from 1 to ${OUTBOUND_LIMITS.maxTimeoutMs}`;
  }
  return undefined;
}

/** UTF-8 byte length of a string without allocating an encoder's output. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
