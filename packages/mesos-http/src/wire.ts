import {
  type Agent,
  type ClientRequest,
  request as httpRequest,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import { RecordIoDecoder, RecordIoError } from './recordio.js';

/** The scheduler API's path on a master (spec/mesos-v1.md §1). */
export const SCHEDULER_PATH = '/api/v1/scheduler';

/** The most bytes of an error answer kept as its message. */
const MAX_ERROR_TEXT = 4096;

/**
 * The scheduler endpoint of a master given as `http://host:port` (a path, query or credentials are refused:
 * the endpoint is always {@link SCHEDULER_PATH}). Throws a `TypeError` naming the value.
 */
export function schedulerEndpoint(master: string): URL {
  let url: URL;
  try {
    url = new URL(master);
  } catch {
    throw new TypeError(`mesos-http: master ${JSON.stringify(master)} is not a URL (http://host:port)`);
  }
  if (
    !/^https?:$/.test(url.protocol) ||
    !['', '/', SCHEDULER_PATH].includes(url.pathname) ||
    url.search !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    throw new TypeError(`mesos-http: master ${JSON.stringify(master)} must be http(s)://host:port`);
  }
  return new URL(SCHEDULER_PATH, url.origin);
}

/**
 * Where a 307 points: its `Location` resolved against the URL that was asked, so a protocol-relative
 * `//host:port/api/v1/scheduler` keeps the current scheme. Undefined without a usable http(s) Location.
 */
export function redirectTarget(location: string | undefined, current: URL): URL | undefined {
  if (location === undefined || location === '') return undefined;
  try {
    const url = new URL(location, current);
    return /^https?:$/.test(url.protocol) ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Sends a POST with `node:http` or `node:https`, as the URL asks. */
export function post(url: URL, headers: Record<string, string>, agent: Agent | false): ClientRequest {
  const options: RequestOptions = { method: 'POST', headers, agent };
  return url.protocol === 'https:' ? httpsRequest(url, options) : httpRequest(url, options);
}

/** Reads at most {@link MAX_ERROR_TEXT} bytes of an answer as text (the rest is drained). */
export function readText(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      if (size < MAX_ERROR_TEXT) parts.push(chunk);
      size += chunk.length;
    });
    const done = () => resolve(Buffer.concat(parts).subarray(0, MAX_ERROR_TEXT).toString('utf8').trim());
    res.on('end', done);
    res.on('close', done);
    res.on('error', done);
  });
}

/** Why a subscription stream failed or ended. */
export interface StreamFailure {
  /**
   * `http`: an answer other than 200 or 307 (`status`, the master's text as `message`); `redirects`: too
   * many 307s; `network`: a socket error; `decode`: not RecordIO; `closed`: the master ended the stream.
   */
  readonly kind: 'http' | 'redirects' | 'network' | 'decode' | 'closed';
  readonly message: string;
  readonly status?: number;
  /** The endpoint that failed. */
  readonly endpoint: URL;
}

/** What a subscription stream reports, each at most once but `data`; nothing after `failed` or `close()`. */
export interface StreamHandlers {
  /** 200: the stream is open at `endpoint` (after redirects), with its `Mesos-Stream-Id`. */
  opened(streamId: string | undefined, endpoint: URL): void;
  /** One chunk arrived, completing these records (maybe none). */
  data(records: readonly string[]): void;
  failed(failure: StreamFailure): void;
}

/** An open (or opening) subscription stream. */
export interface StreamHandle {
  /** Destroys the connection; no handler is called afterwards. Idempotent. */
  close(): void;
  /** Resolves once the last connection of this stream is closed. */
  readonly closed: Promise<void>;
}

export interface StreamOptions {
  readonly maxRedirects: number;
  readonly maxRecordBytes: number;
}

/**
 * POSTs a SUBSCRIBE `body` to `start` on a connection of its own (never the calls' agent) and follows 307s
 * with the same body, at most `maxRedirects` times. A 200 opens the RecordIO stream: each chunk is decoded
 * on bytes and handed over as records.
 */
export function openStream(
  start: URL,
  body: string,
  handlers: StreamHandlers,
  options: StreamOptions,
): StreamHandle {
  let done = false;
  let current: ClientRequest | undefined;
  let markClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });
  const finish = () => {
    done = true;
    if (current === undefined || current.destroyed) markClosed();
    current?.destroy();
  };
  const fail = (failure: StreamFailure) => {
    if (done) return;
    finish();
    handlers.failed(failure);
  };
  const send = (endpoint: URL, hops: number) => {
    const req = post(
      endpoint,
      {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'Content-Length': String(Buffer.byteLength(body)),
      },
      false,
    );
    current = req;
    req.on('close', () => {
      if (req === current) markClosed();
    });
    req.on('error', (error) => fail({ kind: 'network', message: error.message, endpoint }));
    req.on('response', (res) => {
      if (done) return void res.destroy();
      const status = res.statusCode ?? 0;
      if (status === 307) {
        res.resume();
        const target = redirectTarget(res.headers.location, endpoint);
        if (target === undefined)
          return fail({ kind: 'http', status, message: '307 without a usable Location', endpoint });
        if (hops >= options.maxRedirects)
          return fail({ kind: 'redirects', status, message: `more than ${hops} redirects`, endpoint });
        req.destroy();
        return send(target, hops + 1);
      }
      if (status !== 200) {
        void readText(res).then((text) => fail({ kind: 'http', status, message: text, endpoint }));
        return;
      }
      const streamId = res.headers['mesos-stream-id'];
      handlers.opened(typeof streamId === 'string' ? streamId : undefined, endpoint);
      receive(res, endpoint);
    });
    req.end(body);
  };
  const receive = (res: IncomingMessage, endpoint: URL) => {
    const decoder = new RecordIoDecoder({ maxRecordBytes: options.maxRecordBytes });
    res.on('data', (chunk: Buffer) => {
      if (done) return;
      let records: readonly string[];
      try {
        records = decoder.push(chunk);
      } catch (error) {
        if (!(error instanceof RecordIoError)) throw error;
        handlers.data(error.records);
        return fail({ kind: 'decode', message: error.message, endpoint });
      }
      handlers.data(records);
    });
    res.on('end', () => fail({ kind: 'closed', message: 'the master ended the stream', endpoint }));
    res.on('close', () => fail({ kind: 'closed', message: 'the stream connection closed', endpoint }));
    // An open stream that breaks (reset, aborted) is a closed stream, whatever the socket's words.
    res.on('error', (error) =>
      fail({ kind: 'closed', message: `the stream broke (${error.message})`, endpoint }),
    );
  };
  send(start, 0);
  return {
    close() {
      if (!done) finish();
    },
    closed,
  };
}
