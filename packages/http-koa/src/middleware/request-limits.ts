import type { Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { BcsError, ErrorCode } from '@bcs/core';
import type { Middleware } from 'koa';
import { failure } from '../envelope.js';

/** The longest request target (path and query) served by default, in characters. */
export const DEFAULT_MAX_URL_LENGTH = 8 * 1024;

/**
 * The largest request head (request line and headers) Node parses, in bytes, for `http.createServer`'s
 * `maxHeaderSize`. Above Node's 16 KiB default so that a long URL reaches {@link limitUrlLength} and gets its
 * 414 envelope; a head larger still gets {@link answerClientErrors}' 431 envelope.
 */
export const MAX_HEADER_SIZE = 64 * 1024;

/** Koa middleware: a request target longer than `max` characters → HTTP 414, code 1405007, in the envelope. */
export function limitUrlLength(max: number = DEFAULT_MAX_URL_LENGTH): Middleware {
  return async (ctx, next) => {
    if (ctx.url.length > max) {
      throw new BcsError(ErrorCode.BadParams, `request URL is longer than ${max} characters`, {
        status: 414,
      });
    }
    await next();
  };
}

/**
 * Answers the requests Node's HTTP parser refuses before any handler runs with the v4 envelope, instead of
 * Node's bare response: a head over `maxHeaderSize` → 431, a request timeout → 408, anything else malformed
 * → 400; all with code 1405007 (`BadParams`). A socket already gone is just destroyed. Returns a function
 * removing the listener.
 */
export function answerClientErrors(server: Server): () => void {
  const onClientError = (error: Error & { code?: string }, socket: Duplex): void => {
    // As Node's own handler: nothing can be written on a socket that is gone or mid-response.
    const inFlight = (socket as Duplex & { _httpMessage?: { _headerSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?._headerSent === true) {
      socket.destroy();
      return;
    }
    const status =
      error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const message =
      status === 431
        ? 'request line and headers are too large'
        : status === 408
          ? 'request timed out'
          : 'malformed HTTP request';
    const body = JSON.stringify(failure(ErrorCode.BadParams, message));
    const head = [
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
    ].join('\r\n');
    socket.end(`${head}\r\n\r\n${body}`);
  };
  server.on('clientError', onClientError);
  return () => server.off('clientError', onClientError);
}
