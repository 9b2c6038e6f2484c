export { createHttpOutbound, type HttpOutboundOptions } from './outbound-http.js';
