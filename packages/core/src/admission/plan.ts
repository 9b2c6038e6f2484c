import type { AdmissionWebhook } from '../resources/admission-webhook.js';
import { isPlainObject } from '../validation/canonical-keys.js';

/** The operations admission webhooks run on: create (POST) and update (PUT, rollback included). */
export type AdmissionOperation = 'Create' | 'Update';
/** The kinds admission webhooks run on (spec/bcs-behaviour.md §11: processes are never hooked). */
export type AdmissionKind = 'application' | 'deployment';

/** One webhook of one stored configuration, to be called. */
export type AdmissionWebhookEntry = AdmissionWebhook['admissionWebhooks'][number];

/** A webhook to call, with the configuration it came from (for messages and logs). */
export interface AdmissionTarget {
  /** `<namespace>/<name>` of the stored configuration. */
  readonly config: string;
  readonly webhook: AdmissionWebhookEntry;
}

/** Seconds a webhook may take when its configuration says nothing (`timeoutSeconds`), as Kubernetes. */
export const DEFAULT_WEBHOOK_TIMEOUT_SECONDS = 10;
/** The largest webhook answer read, in bytes: 1 MiB. */
export const WEBHOOK_MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * The webhooks to call for `operation` on a `kind` object in `namespace`, in call order:
 * 1. configurations ordered by their namespace, then name (the order `listAll` returns; the original used Go
 *    map order, which is random);
 * 2. of those, the ones whose `resourcesRef.operation` and `resourcesRef.kind` equal `operation` and `kind`
 *    ignoring case (the original's exact match never matched the document's `"Application"`, §15.16);
 * 3. within one configuration, its webhooks in list order, skipping a webhook whose `namespaceSelector`
 *    does not admit `namespace` (`In`: listed; `NotIn`: not listed; absent: every namespace).
 * A configuration applies to objects of every namespace, whatever its own, as in the original.
 */
export function planAdmission(
  configs: readonly AdmissionWebhook[],
  operation: AdmissionOperation,
  kind: AdmissionKind,
  namespace: string,
): AdmissionTarget[] {
  return [...configs]
    .sort(
      (a, b) =>
        compare(a.metadata.namespace, b.metadata.namespace) || compare(a.metadata.name, b.metadata.name),
    )
    .filter((config) => matchesResource(config, operation, kind))
    .flatMap((config) =>
      config.admissionWebhooks
        .filter((webhook) => admitsNamespace(webhook.namespaceSelector, namespace))
        .map((webhook) => ({ config: `${config.metadata.namespace}/${config.metadata.name}`, webhook })),
    );
}

/** True when the configuration names this operation and kind, ignoring case. */
export function matchesResource(
  config: AdmissionWebhook,
  operation: AdmissionOperation,
  kind: AdmissionKind,
): boolean {
  const ref = config.resourcesRef;
  return (
    ref.operation.toLowerCase() === operation.toLowerCase() && ref.kind.toLowerCase() === kind.toLowerCase()
  );
}

/** `In`: the namespace is listed; `NotIn`: it is not; no selector: every namespace. */
export function admitsNamespace(
  selector: AdmissionWebhookEntry['namespaceSelector'],
  namespace: string,
): boolean {
  if (selector === undefined) return true;
  const listed = selector.values.includes(namespace);
  return selector.operator === 'In' ? listed : !listed;
}

/**
 * The only URL a webhook is called at, from its `clientConfig` as the original resolved it (§11): `url` when
 * given, else `https://<name>.<namespace>:<port|443><path|/>` (a Kubernetes-style service name; `.<namespace>`
 * is left out when the namespace is empty, and a path without a leading `/` gets one). Undefined when there
 * is neither a `url` nor a `name`.
 *
 * | clientConfig                                   | URL                              |
 * | ---------------------------------------------- | -------------------------------- |
 * | `{url: "https://hook.example:8443/mutate"}`    | `https://hook.example:8443/mutate` |
 * | `{name: "svc", namespace: "ns"}`               | `https://svc.ns:443/`            |
 * | `{name: "svc", namespace: "ns", port: 8443, path: "v1/admit"}` | `https://svc.ns:8443/v1/admit` |
 * | `{name: "svc"}`                                | `https://svc:443/`               |
 */
export function webhookUrl(clientConfig: AdmissionWebhookEntry['clientConfig']): string | undefined {
  if (clientConfig.url !== undefined && clientConfig.url !== '') return clientConfig.url;
  if (clientConfig.name === undefined || clientConfig.name === '') return undefined;
  const host =
    clientConfig.namespace === undefined || clientConfig.namespace === ''
      ? clientConfig.name
      : `${clientConfig.name}.${clientConfig.namespace}`;
  const path = clientConfig.path === undefined || clientConfig.path === '' ? '/' : clientConfig.path;
  return `https://${host}:${clientConfig.port ?? 443}${path.startsWith('/') ? path : `/${path}`}`;
}

/**
 * The PEM text of a `caBundle`: the API document's base64 of PEM, or PEM given as it is (text containing
 * `-----BEGIN`). Undefined for an absent or empty bundle (the system's CAs are trusted then).
 */
export function caBundlePem(caBundle: string | undefined): string | undefined {
  if (caBundle === undefined || caBundle.trim() === '') return undefined;
  if (caBundle.includes('-----BEGIN')) return caBundle;
  try {
    return new TextDecoder().decode(
      Uint8Array.from(atob(caBundle.replace(/\s+/g, '')), (c) => c.charCodeAt(0)),
    );
  } catch {
    // Not base64: handed on as it is, so the TLS layer refuses it (reason `tls`) under the failure policy.
    return caBundle;
  }
}

/** What a webhook's 200 answer means. */
export type AdmissionAnswer =
  | { readonly kind: 'allowed'; readonly patch?: unknown }
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'replaced'; readonly body: unknown }
  | { readonly kind: 'invalid'; readonly rule: string };

/** The longest refusal message kept from a webhook's answer. */
const MAX_MESSAGE = 512;

/**
 * Reads a webhook's 200 body (docs: "Admission webhooks" in packages/core/README.md):
 * - an object with a boolean `allowed` (an AdmissionReview-like response: `{allowed, patch?, status?:
 *   {message}}`), or a Kubernetes `AdmissionReview` carrying one in `response`: `allowed: false` refuses with
 *   `status.message`; `allowed: true` admits, patched by `patch` (a JSON Patch array, or its JSON in base64
 *   as Kubernetes sends it) when present;
 * - an array: a bare JSON Patch (RFC 6902), applied;
 * - any other object: the object to admit instead of the request, as the original's webhooks answered;
 * - anything else (not JSON, a string, a number, empty): invalid.
 */
export function readAdmissionAnswer(text: string): AdmissionAnswer {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { kind: 'invalid', rule: 'its answer is not JSON' };
  }
  if (Array.isArray(body)) return { kind: 'allowed', patch: body };
  if (!isPlainObject(body)) return { kind: 'invalid', rule: 'its answer is not a JSON object or patch' };
  const review = body.kind === 'AdmissionReview' && isPlainObject(body.response) ? body.response : body;
  if (!Object.hasOwn(review, 'allowed')) return { kind: 'replaced', body };
  if (typeof review.allowed !== 'boolean') return { kind: 'invalid', rule: 'allowed must be true or false' };
  if (!review.allowed) return { kind: 'refused', message: statusMessage(review.status) };
  if (review.patch === undefined || review.patch === null) return { kind: 'allowed' };
  if (typeof review.patch !== 'string') return { kind: 'allowed', patch: review.patch };
  try {
    return {
      kind: 'allowed',
      patch: JSON.parse(
        new TextDecoder().decode(Uint8Array.from(atob(review.patch), (c) => c.charCodeAt(0))),
      ),
    };
  } catch {
    return { kind: 'invalid', rule: 'patch is neither a JSON Patch nor its base64' };
  }
}

function statusMessage(status: unknown): string {
  const message = isPlainObject(status) && typeof status.message === 'string' ? status.message : '';
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
