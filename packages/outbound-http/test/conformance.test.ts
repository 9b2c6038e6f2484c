import { loopbackOutboundHarness, outboundConformance } from '@bcs/testing/conformance';
import { createHttpOutbound } from '../src/index.js';

// The Outbound suite against real loopback HTTP and HTTPS servers (certificates of a test CA made at test
// time); FakeOutbound passes the same suite in packages/testing/test/conformance-outbound.test.ts.
outboundConformance('@bcs/outbound-http', async () => loopbackOutboundHarness(createHttpOutbound()));
