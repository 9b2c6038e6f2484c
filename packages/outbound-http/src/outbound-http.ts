import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import {
  isOutboundError,
  type Outbound,
  OutboundError,
  type OutboundFailure,
  type OutboundHttpRequest,
  type OutboundHttpResponse,
  type OutboundTcpRequest,
  outboundRequestProblem,
  outboundTcpProblem,
} from '@bcs/core';

/** Options of {@link createHttpOutbound}. */
export interface HttpOutboundOptions {
  /**
   * The most calls in flight at once (HTTP and TCP together), 1 to 10,000; default 256. A call over the limit
   * fails at once with reason `network`, so a flood of slow targets cannot exhaust the process's sockets.
   */
  readonly maxConcurrent?: number;
}

/** Node's error codes that mean nothing answers at the address. */
const REFUSED = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
/** Node's and OpenSSL's error codes of a refused handshake or certificate. */
const TLS_CODE =
  /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|ERR_INVALID_ARG_VALUE$)/;

/**
 * The real {@link Outbound}: HTTP and HTTPS with `node:http`/`node:https`, TCP with `node:net`, nothing else.
 * - HTTPS trusts the request's `caBundle` alone when given (as `ca`), the system's CAs otherwise; certificates
 *   and host names are always verified (`rejectUnauthorized` is never turned off).
 * - No connection pooling and no redirects: one fresh connection per call, to the URL given, closed after.
 * - `timeoutMs` bounds the whole exchange; the response body is read up to `maxResponseBytes` and the
 *   connection is destroyed past it.
 * - Errors are {@link OutboundError}s whose message names the reason and the host, with Node's error as
 *   `cause`; headers and bodies never appear in them.
 */
export function createHttpOutbound(options: HttpOutboundOptions = {}): Outbound {
  const maxConcurrent = options.maxConcurrent ?? 256;
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1 || maxConcurrent > 10_000) {
    throw new OutboundError(
      'invalid-request',
      '@bcs/outbound-http: maxConcurrent must be a whole number from 1 to 10000',
    );
  }
  let inFlight = 0;
  const limited = async <T>(host: string, run: () => Promise<T>): Promise<T> => {
    if (inFlight >= maxConcurrent) {
      throw new OutboundError(
        'network',
        `@bcs/outbound-http: ${maxConcurrent} calls in flight; ${host} not called`,
      );
    }
    inFlight += 1;
    try {
      return await run();
    } finally {
      inFlight -= 1;
    }
  };
  return {
    http(request) {
      const problem = outboundRequestProblem(request);
      if (problem !== undefined) return Promise.reject(new OutboundError('invalid-request', problem));
      const url = new URL(request.url);
      return limited(url.host, () => exchange(url, request));
    },
    tcpConnect(request) {
      const problem = outboundTcpProblem(request);
      if (problem !== undefined) return Promise.reject(new OutboundError('invalid-request', problem));
      return limited(`${request.host}:${request.port}`, () => tcpConnect(request));
    },
  };
}

function exchange(url: URL, request: OutboundHttpRequest): Promise<OutboundHttpResponse> {
  // Node may throw while setting the request up (an invalid header value, a TLS option it cannot use): that
  // is an OutboundError too, never a raw error the caller would report as internal.
  return new Promise<OutboundHttpResponse>((resolve, reject) => {
    let settled = false;
    const fail = (reason: OutboundFailure, what: string, cause?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(new OutboundError(reason, `${url.host}: ${what}`, cause === undefined ? {} : { cause }));
    };
    const common = {
      method: request.method,
      headers: { ...request.headers, connection: 'close' },
      agent: false as const,
    };
    const req =
      url.protocol === 'https:'
        ? httpsRequest(url, {
            ...common,
            ...(request.caBundle === undefined ? {} : { ca: request.caBundle }),
            rejectUnauthorized: true,
          })
        : httpRequest(url, common);
    const timer = setTimeout(
      () => fail('timeout', `no answer within ${request.timeoutMs} ms`),
      request.timeoutMs,
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      fail(reasonOf(error), error.code ?? error.message, error),
    );
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > request.maxResponseBytes) {
          fail('too-large', `the answer exceeds ${request.maxResponseBytes} bytes`);
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (error: NodeJS.ErrnoException) => fail('network', error.code ?? error.message, error));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          headers: flatHeaders(res),
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    req.end(request.body);
  }).catch((error: unknown) => {
    if (isOutboundError(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'setup failed';
    throw new OutboundError(reasonOf(error as NodeJS.ErrnoException), `${url.host}: ${code}`, {
      cause: error,
    });
  });
}

function tcpConnect(request: OutboundTcpRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    const where = `${request.host}:${request.port}`;
    const socket = connect({ host: request.host, port: request.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new OutboundError('timeout', `${where}: no connection within ${request.timeoutMs} ms`));
    }, request.timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(
        new OutboundError(reasonOf(error), `${where}: ${error.code ?? error.message}`, { cause: error }),
      );
    });
  });
}

function reasonOf(error: NodeJS.ErrnoException): OutboundFailure {
  const code = error.code ?? '';
  if (REFUSED.has(code)) return 'refused';
  if (TLS_CODE.test(code) || /certificate|ssl|tls/i.test(error.message)) return 'tls';
  return 'network';
}

function flatHeaders(res: IncomingMessage): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
