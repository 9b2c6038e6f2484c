/**
 * Credentials a client sends but no response echoes: a container's `imagePullPasswd` (applications,
 * deployments, versions) and a configmap item's `remotePasswd`. Compared case-insensitively, since bodies are
 * stored as sent (`ImagePullPasswd` is as valid as `imagePullPasswd`). Secrets' `content` is not one: the API
 * returns secrets by design.
 */
export const CREDENTIAL_FIELDS: readonly string[] = ['imagePullPasswd', 'remotePasswd'];

/** What a set credential reads as in a response; an empty one stays empty, so a client sees whether one is set. */
export const REDACTED = '******';

const CREDENTIALS = new Set(CREDENTIAL_FIELDS.map((f) => f.toLowerCase()));

/**
 * A copy of `value` with every credential field ({@link CREDENTIAL_FIELDS}, at any depth) replaced by
 * {@link REDACTED} when it is a non-empty string (any other non-empty value too). The one place responses
 * lose credentials: every route that answers a stored definition passes it through here.
 *
 * Example: `{ containers: [{ image: 'x', imagePullPasswd: 'hunter2' }] }` →
 * `{ containers: [{ image: 'x', imagePullPasswd: '******' }] }`; `imagePullPasswd: ''` stays `''`.
 *
 * A client that GETs a definition and PUTs it back unchanged must put the real password back in: the
 * redacted value would otherwise be stored as the password.
 */
export function redactCredentials<T>(value: T): T {
  return redact(value) as T;
}

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = CREDENTIALS.has(key.toLowerCase())
      ? item === '' || item === null || item === undefined
        ? item
        : REDACTED
      : redact(item);
  }
  return out;
}
