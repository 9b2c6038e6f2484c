import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TestKeyPair } from './test-ca.js';

/** A request as an endpoint received it. */
export interface EndpointRequest {
  readonly method: string;
  /** Path and query. */
  readonly path: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** An endpoint's answer; `'hang'` never answers (the connection stays open until the server closes). */
export type EndpointReply =
  | { readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: string }
  | 'hang';

/** Answers each request of an endpoint. */
export type EndpointHandler = (request: EndpointRequest) => EndpointReply | Promise<EndpointReply>;

/** A running loopback endpoint. */
export interface LoopbackServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` or `https://…`, no trailing slash. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: readonly EndpointRequest[];
  close(): Promise<void>;
}

/**
 * Starts an HTTP server (HTTPS with `tls`) on 127.0.0.1 and an ephemeral port that answers with `handler`:
 * the real counterpart of `FakeOutbound` endpoints, for webhook and conformance tests. `close()` ends hanging
 * requests too.
 */
export async function startLoopbackServer(
  handler: EndpointHandler,
  options: { tls?: TestKeyPair } = {},
): Promise<LoopbackServer> {
  const requests: EndpointRequest[] = [];
  const sockets = new Set<Socket>();
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: EndpointRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: flatHeaders(req.headers),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      void Promise.resolve()
        .then(() => handler(request))
        .then(
          (reply) => {
            if (reply === 'hang') return;
            res.writeHead(reply.status, { ...reply.headers });
            res.end(reply.body ?? '');
          },
          () => {
            res.writeHead(500);
            res.end();
          },
        );
    });
  };
  const server: Server =
    options.tls === undefined
      ? createHttpServer(onRequest)
      : createHttpsServer({ key: options.tls.keyPem, cert: options.tls.certPem }, onRequest);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client refusing our certificate resets the handshake; that is the test's point, not a server error.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
    return closing;
  };
  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    requests,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A loopback port where nothing listens: bound, then released (the OS does not reuse it at once). */
export async function closedLoopbackPort(): Promise<number> {
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function flatHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
