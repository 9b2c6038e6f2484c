import { aService, type JsonValue } from '@bcs/testing/builders';
import { describe, expect, it } from 'vitest';
import { ServiceSchema, serviceIssues } from '../../src/validation/service.js';
import { createValidator } from '../../src/validation/validate.js';

const validator = createValidator('service', ServiceSchema);
/** The example with `spec.ports` replaced. */
const withPorts = (ports: unknown[]) => aService({ spec: { ports: ports as JsonValue[] } });

describe('service schema', () => {
  it("accepts the document's example", () => {
    const definition = validator.parse(aService());
    expect(definition).toEqual(aService());
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
    expect(validator.issues({ ...aService(), spec: {} })).toEqual([
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
