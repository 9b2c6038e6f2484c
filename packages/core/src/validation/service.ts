import { type Static, Type } from '@sinclair/typebox';
import type { Issue } from '../errors.js';
import { ApiVersion, KindLiteral, NamespacedMeta, StringMap } from './rules.js';

const Port = () =>
  Type.Integer({ minimum: 0, maximum: 65535, errorMessage: 'must be an integer port from 0 to 65535' });

export const ServicePortSchema = Type.Object({
  name: Type.String({ minLength: 1 }),
  protocol: Type.Optional(
    Type.String({
      pattern: '^([Tt][Cc][Pp]|[Uu][Dd][Pp]|[Hh][Tt][Tt][Pp][Ss]?)$',
      errorMessage: 'must be tcp, udp, http or https (any case)',
    }),
  ),
  servicePort: Port(),
  targetPort: Type.Optional(Port()),
  nodePort: Type.Optional(Port()),
  domainName: Type.Optional(Type.String()),
  path: Type.Optional(Type.String()),
});

/** `POST|PUT /namespaces/{ns}/services`, the API document's createService body. */
export const ServiceSchema = Type.Object({
  apiVersion: ApiVersion(),
  kind: KindLiteral('service'),
  metadata: NamespacedMeta(),
  spec: Type.Object({
    selector: Type.Optional(StringMap()),
    type: Type.Optional(Type.String()),
    clusterIP: Type.Optional(Type.Array(Type.String())),
    ports: Type.Array(ServicePortSchema),
  }),
});

export type ServiceDefinition = Static<typeof ServiceSchema>;

/** Port names are unique within a service (endpoints match ports by name, spec/bcs-behaviour.md §9). */
export function serviceIssues(definition: ServiceDefinition): Issue[] {
  const seen = new Set<string>();
  const issues: Issue[] = [];
  definition.spec.ports.forEach((port, index) => {
    if (seen.has(port.name))
      issues.push({ path: `spec.ports[${index}].name`, rule: 'must be unique in the service' });
    seen.add(port.name);
  });
  return issues;
}
