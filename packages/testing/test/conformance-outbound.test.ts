import { fakeOutboundHarness, outboundConformance } from '../src/conformance/index.js';

// FakeOutbound passes the Outbound suite that @bcs/outbound-http passes against loopback servers.
outboundConformance('FakeOutbound', async () => fakeOutboundHarness());
