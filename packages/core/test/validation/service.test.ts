import { describe, expect, it } from 'vitest';
import { ServiceSchema, serviceIssues } from '../../src/validation/service.js';
import { createValidator } from '../../src/validation/validate.js';

/** spec/api-v4.md createService. */
const docExample = () => ({
  apiVersion: 'v4',
  kind: 'service',
  metadata: { name: 'service-test', namespace: 'defaultGroup', labels: { BCSGROUP: 'external' } },
  spec: {
    selector: { podname: 'app-test' },
    ports: [{ name: 'test-port', protocol: 'tcp', servicePort: 8899 }],
  },
});

const validator = createValidator('service', ServiceSchema);
const withPorts = (ports: unknown[]) => ({ ...docExample(), spec: { ...docExample().spec, ports } });

describe('service schema', () => {
  it("accepts the document's example", () => {
    const definition = validator.parse(docExample());
    expect(definition).toEqual(docExample());
    expect(serviceIssues(definition)).toEqual([]);
  });

  it.each(['tcp', 'TCP', 'Udp', 'http', 'HTTPS'])('accepts protocol %s', (protocol) => {
    expect(validator.issues(withPorts([{ name: 'p', protocol, servicePort: 80 }]))).toEqual([]);
  });

  it.each([
    ['spec.ports[0].protocol', [{ name: 'p', protocol: 'sctp', servicePort: 80 }]],
    ['spec.ports[0].servicePort', [{ name: 'p', servicePort: 65536 }]],
    ['spec.ports[0].servicePort', [{ name: 'p', servicePort: 8.5 }]],
    ['spec.ports[0].servicePort', [{ name: 'p' }]],
    [
      'spec.ports[1].name',
      [
        { name: 'p', servicePort: 80 },
        { name: '', servicePort: 81 },
      ],
    ],
    ['spec.ports[0].targetPort', [{ name: 'p', servicePort: 80, targetPort: -1 }]],
  ])('names %s', (path, ports) => {
    expect(validator.issues(withPorts(ports)).map((issue) => issue.path)).toEqual([path]);
  });

  it('requires spec.ports', () => {
    expect(validator.issues({ ...docExample(), spec: {} })).toEqual([
      { path: 'spec.ports', rule: 'is required' },
    ]);
  });
});

describe('serviceIssues', () => {
  it('names the second port with a repeated name', () => {
    const definition = validator.parse(
      withPorts([
        { name: 'a', servicePort: 80 },
        { name: 'b', servicePort: 81 },
        { name: 'a', servicePort: 82 },
      ]),
    );
    expect(serviceIssues(definition).map((issue) => issue.path)).toEqual(['spec.ports[2].name']);
  });
});
