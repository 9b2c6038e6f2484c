import type { Outbound } from '@bcs/core';
import { FakeOutbound } from '../../fakes/fake-outbound.js';
import {
  closedLoopbackPort,
  type EndpointHandler,
  type EndpointRequest,
  type LoopbackServer,
  startLoopbackServer,
} from '../../net/loopback-server.js';
import { createTestCa, type TestCa, type TestKeyPair } from '../../net/test-ca.js';

/** An endpoint a harness serves. */
export interface ServedEndpoint {
  /** `http://host:port` or `https://host:port`, no trailing slash. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** For TLS endpoints: the `caBundle` (PEM for the real adapter) that trusts its certificate. */
  readonly caBundle?: string;
  /** The requests it received, in order. */
  readonly requests: readonly EndpointRequest[];
}

/** What `outboundConformance` drives: an {@link Outbound} plus endpoints it can reach. */
export interface OutboundHarness {
  readonly outbound: Outbound;
  /** Starts an endpoint answering with `handler`; `tls` makes it HTTPS with a certificate of the test CA. */
  serve(handler: EndpointHandler, options?: { tls?: boolean }): Promise<ServedEndpoint>;
  /** A host and port where nothing listens. */
  closedAddress(): Promise<{ host: string; port: number }>;
  /** A `caBundle` that trusts none of the endpoints (another CA). */
  readonly otherCaBundle: string;
  /** Stops every endpoint. */
  dispose(): Promise<void>;
}

let certificates: { ca: TestCa; server: TestKeyPair; other: TestCa } | undefined;

/** One test CA, one server certificate for 127.0.0.1 and one unrelated CA per process (RSA keys take time). */
function testCertificates() {
  if (certificates === undefined) {
    const ca = createTestCa('bcs-conformance-ca');
    certificates = { ca, server: ca.issue(), other: createTestCa('bcs-other-ca') };
  }
  return certificates;
}

/** A harness for a real adapter: loopback HTTP and HTTPS servers (certificates from a test CA). */
export function loopbackOutboundHarness(outbound: Outbound): OutboundHarness {
  const servers: LoopbackServer[] = [];
  const certs = testCertificates();
  return {
    outbound,
    otherCaBundle: certs.other.certPem,
    async serve(handler, options = {}) {
      const server = await startLoopbackServer(handler, options.tls === true ? { tls: certs.server } : {});
      servers.push(server);
      return {
        url: server.url,
        host: server.host,
        port: server.port,
        requests: server.requests,
        ...(options.tls === true ? { caBundle: certs.ca.certPem } : {}),
      };
    },
    async closedAddress() {
      return { host: '127.0.0.1', port: await closedLoopbackPort() };
    },
    async dispose() {
      await Promise.all(servers.map((server) => server.close()));
    },
  };
}

/** A harness for {@link FakeOutbound}: endpoints are handlers at made-up `*.fake.test` origins. */
export function fakeOutboundHarness(outbound = new FakeOutbound()): OutboundHarness {
  let next = 0;
  return {
    outbound,
    otherCaBundle: 'fake-ca:other',
    async serve(handler, options = {}) {
      next += 1;
      const host = `endpoint-${next}.fake.test`;
      const port = 8000 + next;
      const url = `${options.tls === true ? 'https' : 'http'}://${host}:${port}`;
      const requests: EndpointRequest[] = [];
      const caBundle = options.tls === true ? `fake-ca:${host}` : undefined;
      outbound.endpoint(
        url,
        (request) => {
          requests.push(request);
          return handler(request);
        },
        caBundle === undefined ? {} : { caBundle },
      );
      return { url, host, port, requests, ...(caBundle === undefined ? {} : { caBundle }) };
    },
    async closedAddress() {
      return { host: 'closed.fake.test', port: 9 };
    },
    async dispose() {},
  };
}
