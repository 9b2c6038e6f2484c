import { type Static, Type } from '@sinclair/typebox';
import { DEFINITION_LIMITS } from './limits.js';
import { ApiVersion, KindLiteral, NamespacedMeta } from './rules.js';

/**
 * The most webhooks one configuration may list. Each may take up to 30 s, and every create or update of an
 * application or deployment waits for the matching ones in turn, so the count is kept small.
 */
export const MAX_WEBHOOKS_PER_CONFIG = 16;

const OneOf = (values: string[], errorMessage?: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    errorMessage === undefined ? {} : { errorMessage },
  );

export const AdmissionWebhookSchema = Type.Object({
  apiVersion: ApiVersion(),
  kind: KindLiteral('admissionwebhook'),
  metadata: NamespacedMeta(),
  resourcesRef: Type.Object({
    /** Matched ignoring case, like `kind` (issue 13 §3). */
    operation: Type.String({
      pattern: '^([Cc][Rr][Ee][Aa][Tt][Ee]|[Uu][Pp][Dd][Aa][Tt][Ee])$',
      errorMessage: 'must be Create or Update (any case)',
    }),
    /** The document writes `Application`; the original matched only lowercase (spec/bcs-behaviour.md §15.16). */
    kind: Type.String({
      pattern: '^([Aa][Pp][Pp][Ll][Ii][Cc][Aa][Tt][Ii][Oo][Nn]|[Dd][Ee][Pp][Ll][Oo][Yy][Mm][Ee][Nn][Tt])$',
      errorMessage: 'must be application or deployment (any case)',
    }),
  }),
  admissionWebhooks: Type.Array(
    Type.Object({
      name: Type.String({ minLength: 1 }),
      failurePolicy: OneOf(['Ignore', 'Fail']),
      clientConfig: Type.Object({
        url: Type.Optional(Type.String({ pattern: '^https?://', errorMessage: 'must be an http(s) URL' })),
        caBundle: Type.Optional(Type.String()),
        namespace: Type.Optional(Type.String()),
        name: Type.Optional(Type.String()),
        path: Type.Optional(Type.String()),
        port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
      }),
      /** Seconds to wait for the webhook's answer (1–30, default 10); past it the call has failed. */
      timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 })),
      namespaceSelector: Type.Optional(
        Type.Object({
          operator: OneOf(['In', 'NotIn']),
          values: Type.Array(Type.String(), { maxItems: DEFINITION_LIMITS.mapEntries }),
        }),
      ),
    }),
    { maxItems: MAX_WEBHOOKS_PER_CONFIG },
  ),
});

export type AdmissionWebhookDefinition = Static<typeof AdmissionWebhookSchema>;
