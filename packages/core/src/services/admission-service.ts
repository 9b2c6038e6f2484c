import { inject, injectable } from 'tsyringe';
import { applyJsonPatch, JsonPatchError } from '../admission/json-patch.js';
import {
  type AdmissionAnswer,
  type AdmissionKind,
  type AdmissionOperation,
  type AdmissionTarget,
  caBundlePem,
  DEFAULT_WEBHOOK_TIMEOUT_SECONDS,
  planAdmission,
  readAdmissionAnswer,
  WEBHOOK_MAX_RESPONSE_BYTES,
  webhookUrl,
} from '../admission/plan.js';
import { BcsError, ErrorCode, formatIssue, isBcsError, ValidationError } from '../errors.js';
import { type Logger, LoggerToken } from '../ports/logger.js';
import { hostOf, isOutboundError, type Outbound, OutboundToken } from '../ports/outbound.js';
import { isPlainObject } from '../validation/canonical-keys.js';
import { AdmissionWebhookService } from './admission-webhook-service.js';

/** One admission: what is created or updated, and the body the client sent (already validated). */
export interface AdmissionRequest {
  readonly operation: AdmissionOperation;
  readonly kind: AdmissionKind;
  /** The URL's namespace, which `namespaceSelector` is matched against. */
  readonly namespace: string;
  readonly body: unknown;
}

/** A webhook call that did not yield a usable answer: why, and whether it was the timeout. */
interface CallFailure {
  readonly failed: string;
  readonly timeout?: boolean;
}

/**
 * Runs the stored admission webhook configurations on create and update of applications and deployments
 * (issue 13 §3; spec/bcs-behaviour.md §11 with its bugs fixed). The services call {@link admit} with a body
 * they have validated, before they enter the engine's queue, so a slow webhook never holds the engine up.
 *
 * For each webhook of {@link planAdmission}'s order, the current body (the client's, or the previous
 * webhook's result) is POSTed as JSON to {@link webhookUrl} (no other URL; redirects are not followed),
 * trusting only its `caBundle` for TLS, within `timeoutSeconds` (default 10). Then:
 * - a refusal (`allowed: false`) → `FilterFailed` (1405234, HTTP 400) naming the webhook, whatever its policy;
 * - a failure (unreachable, timeout, TLS, not 200, an answer that is not valid, a patch that does not apply, a
 *   result that changes `kind` or `metadata.name`/`namespace`, or that `check` refuses):
 *   `failurePolicy: Fail` → `WebhookFailed` (1405910, HTTP 502; 504 on a timeout) naming the webhook;
 *   `Ignore` → a warning in the log, and the next webhook gets the body as it was before this one;
 * - otherwise the body, patched or replaced, goes on to the next webhook.
 * Nothing is stored by this service; a thrown error means the caller stores nothing either. Messages name the
 * configuration, the webhook and the target's host, never headers, bodies or URL paths.
 */
@injectable()
export class AdmissionService {
  constructor(
    @inject(AdmissionWebhookService) private readonly configs: AdmissionWebhookService,
    @inject(OutboundToken) private readonly outbound: Outbound,
    @inject(LoggerToken) private readonly logger: Logger,
  ) {}

  /**
   * The body to store after every matching webhook: `request.body` itself when no webhook changed it.
   * `check` validates a changed body as the service's entry does (throws `ValidationError`).
   */
  async admit(request: AdmissionRequest, check: (body: unknown) => void): Promise<unknown> {
    const targets = planAdmission(
      await this.configs.listAll(),
      request.operation,
      request.kind,
      request.namespace,
    );
    let body = request.body;
    for (const target of targets) {
      const outcome = await this.callOne(target, body, request, check);
      if ('body' in outcome) {
        body = outcome.body;
        continue;
      }
      if (target.webhook.failurePolicy === 'Fail') {
        throw new BcsError(
          ErrorCode.WebhookFailed,
          `admission webhook ${describe(target)} failed: ${outcome.failed}`,
          {
            ...(outcome.timeout === true ? { status: 504 } : {}),
          },
        );
      }
      this.logger.warn(
        { config: target.config, webhook: target.webhook.name, reason: outcome.failed },
        'admission webhook failed; skipped (failurePolicy Ignore)',
      );
    }
    return body;
  }

  private async callOne(
    target: AdmissionTarget,
    body: unknown,
    request: AdmissionRequest,
    check: (body: unknown) => void,
  ): Promise<{ body: unknown } | CallFailure> {
    const answer = await this.call(target, body);
    if ('failed' in answer) return answer;
    if (answer.kind === 'invalid') return { failed: answer.rule };
    if (answer.kind === 'refused') {
      const reason = answer.message === '' ? '' : `: ${answer.message}`;
      throw new BcsError(
        ErrorCode.FilterFailed,
        `admission webhook ${describe(target)} refused the ${request.kind}${reason}`,
      );
    }
    let result: unknown = body;
    try {
      if (answer.kind === 'replaced') result = answer.body;
      else if (answer.patch !== undefined) result = applyJsonPatch(body, answer.patch);
    } catch (error) {
      if (error instanceof JsonPatchError) return { failed: `its patch does not apply: ${error.message}` };
      throw error;
    }
    if (result === body) return { body };
    const identity = identityChange(body, result);
    if (identity !== undefined) return { failed: `its result must keep ${identity}` };
    try {
      check(result);
    } catch (error) {
      if (error instanceof ValidationError) {
        return { failed: `its result is invalid: ${error.issues.map(formatIssue).join('; ')}` };
      }
      if (isBcsError(error) && error.status < 500)
        return { failed: `its result is invalid: ${error.message}` };
      throw error;
    }
    return { body: result };
  }

  private async call(target: AdmissionTarget, body: unknown): Promise<AdmissionAnswer | CallFailure> {
    const { clientConfig } = target.webhook;
    const url = webhookUrl(clientConfig);
    if (url === undefined) return { failed: 'clientConfig has neither url nor name' };
    const ca = caBundlePem(clientConfig.caBundle);
    try {
      const response = await this.outbound.http({
        url,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        timeoutMs: (target.webhook.timeoutSeconds ?? DEFAULT_WEBHOOK_TIMEOUT_SECONDS) * 1000,
        maxResponseBytes: WEBHOOK_MAX_RESPONSE_BYTES,
        ...(ca === undefined ? {} : { caBundle: ca }),
      });
      if (response.status !== 200) return { failed: `${hostOf(url)} answered HTTP ${response.status}` };
      return readAdmissionAnswer(response.body);
    } catch (error) {
      if (!isOutboundError(error)) throw error;
      return { failed: `${hostOf(url)}: ${error.reason}`, timeout: error.reason === 'timeout' };
    }
  }
}

/** `<config namespace>/<config name>/<webhook name>`. */
function describe(target: AdmissionTarget): string {
  return `${target.config}/${target.webhook.name}`;
}

/** The identity field a webhook's result changed (`kind`, `metadata.name`, `metadata.namespace`), if any. */
function identityChange(before: unknown, after: unknown): string | undefined {
  if (!isPlainObject(before) || !isPlainObject(after)) return 'the object';
  if (before.kind !== after.kind) return 'kind';
  const was = isPlainObject(before.metadata) ? before.metadata : {};
  const is = isPlainObject(after.metadata) ? after.metadata : {};
  if (was.name !== is.name) return 'metadata.name';
  if (was.namespace !== is.namespace) return 'metadata.namespace';
  return undefined;
}
