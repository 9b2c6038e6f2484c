import {
  type Outbound,
  OutboundError,
  type OutboundHttpRequest,
  type OutboundHttpResponse,
  type OutboundTcpRequest,
  outboundRequestProblem,
  outboundTcpProblem,
  utf8Length,
} from '@bcs/core';
import type { EndpointHandler } from '../net/loopback-server.js';

/** One call made through a {@link FakeOutbound}, recorded before it is answered. */
export type OutboundCall =
  | { readonly type: 'http'; readonly request: OutboundHttpRequest }
  | { readonly type: 'tcp'; readonly request: OutboundTcpRequest };

interface FakeEndpoint {
  readonly handler: EndpointHandler;
  readonly caBundle: string | undefined;
}

/**
 * An in-memory {@link Outbound}: endpoints are handlers registered by origin (`https://svc.ns:443`), every
 * call is recorded in {@link calls}, and no socket is opened. It follows the same rules as the real adapter
 * (`outboundConformance`): a request outside the bounds → `invalid-request`; no endpoint at the origin →
 * `refused`; an `https:` endpoint registered with a `caBundle` answers only a call whose `caBundle` is that
 * same text, else `tls`; a body over `maxResponseBytes` → `too-large`. A handler answering `'hang'` fails at
 * once with `timeout` (no time passes: the fake does not wait for `timeoutMs`).
 */
export class FakeOutbound implements Outbound {
  readonly calls: OutboundCall[] = [];
  private readonly endpoints = new Map<string, FakeEndpoint>();

  /**
   * Answers calls to `origin` (scheme, host and port; a path is ignored) with `handler`. For `https:`, a
   * `caBundle` is the only trust that reaches it; without one, any call reaches it.
   */
  endpoint(origin: string, handler: EndpointHandler, options: { caBundle?: string } = {}): void {
    this.endpoints.set(originKey(origin), { handler, caBundle: options.caBundle });
  }

  /** Removes the endpoint at `origin`: calls to it are refused from now on. */
  remove(origin: string): void {
    this.endpoints.delete(originKey(origin));
  }

  /** The HTTP requests made, in order. */
  get httpRequests(): OutboundHttpRequest[] {
    return this.calls.flatMap((call) => (call.type === 'http' ? [call.request] : []));
  }

  async http(request: OutboundHttpRequest): Promise<OutboundHttpResponse> {
    const problem = outboundRequestProblem(request);
    if (problem !== undefined) throw new OutboundError('invalid-request', problem);
    this.calls.push({ type: 'http', request });
    const url = new URL(request.url);
    const endpoint = this.endpoints.get(originKey(request.url));
    if (endpoint === undefined) throw new OutboundError('refused', `nothing listens at ${url.host}`);
    if (
      url.protocol === 'https:' &&
      endpoint.caBundle !== undefined &&
      endpoint.caBundle !== request.caBundle
    ) {
      throw new OutboundError('tls', `the certificate of ${url.host} is not trusted`);
    }
    const reply = await endpoint.handler({
      method: request.method,
      path: `${url.pathname}${url.search}`,
      headers: Object.fromEntries(
        Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
      ),
      body: request.body ?? '',
    });
    if (reply === 'hang')
      throw new OutboundError('timeout', `${url.host} did not answer in ${request.timeoutMs} ms`);
    const body = reply.body ?? '';
    if (utf8Length(body) > request.maxResponseBytes) {
      throw new OutboundError(
        'too-large',
        `the answer of ${url.host} exceeds ${request.maxResponseBytes} bytes`,
      );
    }
    const headers = Object.fromEntries(
      Object.entries(reply.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    );
    return { status: reply.status, headers, body };
  }

  async tcpConnect(request: OutboundTcpRequest): Promise<void> {
    const problem = outboundTcpProblem(request);
    if (problem !== undefined) throw new OutboundError('invalid-request', problem);
    this.calls.push({ type: 'tcp', request });
    const listening = [...this.endpoints.keys()].some((key) =>
      key.endsWith(`//${request.host}:${request.port}`),
    );
    if (!listening) throw new OutboundError('refused', `nothing listens at ${request.host}:${request.port}`);
  }
}

/** `scheme://host:port` with the default port filled in. */
function originKey(origin: string): string {
  const url = new URL(origin);
  const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
  return `${url.protocol}//${url.hostname}:${port}`;
}
