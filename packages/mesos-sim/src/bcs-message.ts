/**
 * The original BCS executor's message format: Go `encoding/json` of `BcsMessage`
 * (bk-bcs `bcs-common/pkg/scheduler/schetypes/message.go`, `common/types/command.go`,
 * `bcs-container-executor/container/container.go`). Decoding follows Go: keys match their field exactly, else
 * case-insensitively, the later key wins, unknown keys are ignored, `null` leaves a field at its zero value, and a
 * value of the wrong JSON type fails the whole message. Encoding follows Go too: struct field order, the fields'
 * Go names (json tags where the original has them), `omitempty` only where the original says so, zero values
 * otherwise, and `<`, `>`, `&`, U+2028 and U+2029 escaped as `\u003c`….
 */

/** A Go field type: `int`/`uint`/`float` numbers, `string`, `bool`, `strings` (`[]string`), `bytes` (`[]byte`). */
type Scalar = 'int' | 'uint' | 'float' | 'string' | 'bool' | 'strings' | 'bytes';
/** A pointer to a struct, or a slice of struct pointers. */
type Kind = Scalar | { readonly struct: Struct } | { readonly slice: Struct };
interface Field {
  readonly name: string;
  readonly kind: Kind;
  /** A Go pointer: `null` when absent (scalars: a value type's zero otherwise). Structs are always pointers. */
  readonly pointer?: boolean;
  readonly omitempty?: boolean;
}
type Struct = readonly Field[];

const f = (name: string, kind: Kind, extra: Omit<Field, 'name' | 'kind'> = {}): Field => ({
  name,
  kind,
  ...extra,
});
const p = (name: string, kind: Kind): Field => f(name, kind, { pointer: true });
const sub = (name: string, struct: Struct): Field => f(name, { struct }, { omitempty: true });

const TASK_ID: Struct = [p('value', 'string')];
const LOCAL_FILE: Struct = [
  p('To', 'string'),
  p('Right', 'string'),
  p('User', 'string'),
  p('Base64', 'string'),
];
const SIGNAL: Struct = [p('Signal', 'uint'), p('ProcessName', 'string')];
const ENV: Struct = [p('Name', 'string'), p('Value', 'string')];
const REMOTE_AUTH: Struct = [p('Type', 'string'), p('RemoteUser', 'string'), p('RemotePasswd', 'string')];
const ENV_REMOTE: Struct = [p('Name', 'string'), p('From', 'string'), ...REMOTE_AUTH];
const REMOTE: Struct = [
  p('To', 'string'),
  p('Right', 'string'),
  p('User', 'string'),
  p('From', 'string'),
  ...REMOTE_AUTH,
];
const SECRET: Struct = [p('Name', 'string'), p('Value', 'string'), p('Type', 'int')];
const STATUS_QUERY: Struct = [p('Reason', 'string')];
const TASK_RESOURCES: Struct = [
  p('TaskId', 'string'),
  p('ReqCpu', 'float'),
  p('ReqMem', 'float'),
  p('Cpu', 'float'),
  p('Mem', 'float'),
];
const COMMIT_TASK: Struct = [p('TaskId', 'string'), p('Image', 'string')];
const COMMAND_REQUEST: Struct = [
  f('ID', 'string'),
  f('TaskId', 'string'),
  f('ContainerId', 'string'),
  f('Env', 'strings'),
  f('Cmd', 'strings'),
  f('User', 'string'),
  f('WorkingDir', 'string'),
  f('Privileged', 'bool'),
];
const COMMAND_INSPECT: Struct = [f('exitCode', 'int'), f('stdout', 'string'), f('stderr', 'string')];
const COMMAND_RESPONSE: Struct = [
  f('ID', 'string'),
  f('TaskId', 'string'),
  f('ContainerId', 'string'),
  f('Status', 'string'),
  f('Message', 'string'),
  f('CommInspect', { struct: COMMAND_INSPECT }),
];

/** `BcsMessage`, in the original's field order. */
const BCS_MESSAGE: Struct = [
  f('Id', 'int'),
  p('Type', 'int'),
  f('TaskGroupId', 'string'),
  f('TaskID', { struct: TASK_ID }),
  sub('Local', LOCAL_FILE),
  sub('Sig', SIGNAL),
  sub('Env', ENV),
  sub('EnvRemote', ENV_REMOTE),
  sub('Remote', REMOTE),
  sub('Secret', SECRET),
  sub('TaskStatusQuery', STATUS_QUERY),
  sub('UpdateTaskResources', [f('Resources', { slice: TASK_RESOURCES })]),
  sub('CommitTask', [f('Tasks', { slice: COMMIT_TASK })]),
  sub('ReloadTask', []),
  sub('RestartTask', []),
  sub('RequestCommandTask', COMMAND_REQUEST),
  sub('ResponseCommandTask', COMMAND_RESPONSE),
  f('TaskStatus', 'bytes', { omitempty: true }),
  f('Status', 'string'),
  f('Message', 'string'),
  f('CompleteTime', 'int'),
  f('CreateTime', 'int'),
];

/** The executor's `BcsContainerInfo` (json tags as in the original; `omitempty` on all but the times). */
const CONTAINER_INFO: Struct = [
  f('ID', 'string', { omitempty: true }),
  f('Name', 'string', { omitempty: true }),
  f('Pid', 'int', { omitempty: true }),
  f('StartAt', 'string'),
  f('FinishAt', 'string'),
  f('Status', 'string', { omitempty: true }),
  f('Healthy', 'bool', { omitempty: true }),
  f('IsChecked', 'bool', { omitempty: true }),
  f('ConsecutiveFailureTimes', 'int', { omitempty: true }),
  f('ExitCode', 'int', { omitempty: true }),
  f('Hostname', 'string', { omitempty: true }),
  f('NetworkMode', 'string', { omitempty: true }),
  f('IPAddress', 'string', { omitempty: true }),
  f('NodeAddress', 'string', { omitempty: true }),
  f('Message', 'string', { omitempty: true }),
  sub('BcsMessage', BCS_MESSAGE),
];

/** A decoded Go struct: every field present, in order (nil pointers and slices are `null`). */
export type GoValue = { [field: string]: unknown };

/** Message types (`Msg_Type`). */
export const MsgType = {
  LOCALFILE: 1,
  SIGNAL: 2,
  ENV: 3,
  REMOTE: 4,
  SECRET: 5,
  TASK_STATUS_QUERY: 6,
  ENV_REMOTE: 7,
  UPDATE_TASK: 8,
  COMMIT_TASK: 9,
  RELOAD_TASK: 10,
  RESTART_TASK: 11,
  REQ_COMMAND_TASK: 12,
  RES_COMMAND_TASK: 13,
  TASK_STATUS_UPDATE: 14,
} as const;

/**
 * The bytes of a scheduler MESSAGE as the executor reads them: `data` (the proto3-JSON base64 of the bytes) →
 * the ASCII base64 they hold → JSON → `BcsMessage`. `undefined` where the original executor logs an error and
 * drops the message (bad base64, bad JSON, a value of the wrong type).
 */
export function decodeSchedulerMessage(data: string): GoValue | undefined {
  const ascii = Buffer.from(data, 'base64').toString('latin1');
  const compact = ascii.replace(/[\r\n]/g, '');
  if (!isStdBase64(compact)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(compact, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  // Go's Unmarshal of `null` into a struct leaves it zero.
  const decoded = decodeKind({ struct: BCS_MESSAGE }, json === null ? {} : json);
  return decoded.ok ? ((decoded.value as GoValue | null) ?? zeroStruct(BCS_MESSAGE)) : undefined;
}

/** Go's `json.Marshal` of a `BcsMessage`. */
export function encodeBcsMessage(message: GoValue): string {
  return encodeStruct(BCS_MESSAGE, message);
}

/** Go's `json.Marshal` of the executor's `BcsContainerInfo`. */
export function encodeContainerInfo(info: GoValue): string {
  return encodeStruct(CONTAINER_INFO, info);
}

/** A `BcsMessage` with every field at its zero value, then `fields`. */
export function bcsMessage(fields: GoValue): GoValue {
  return { ...zeroStruct(BCS_MESSAGE), ...fields };
}

/** Go's `base64.StdEncoding` accepts only the standard alphabet with padding (CR/LF are skipped). */
export function isStdBase64(text: string): boolean {
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
}

type Decoded = { readonly ok: true; readonly value: unknown } | { readonly ok: false };
const FAIL: Decoded = { ok: false };
const ok = (value: unknown): Decoded => ({ ok: true, value });

function decodeKind(kind: Kind, value: unknown): Decoded {
  if (typeof kind === 'object') {
    if (value === null) return ok(null);
    if ('struct' in kind) return isObject(value) ? decodeStruct(kind.struct, value) : FAIL;
    if (!Array.isArray(value)) return FAIL;
    const items: unknown[] = [];
    for (const item of value) {
      const decoded = decodeKind({ struct: kind.slice }, item);
      if (!decoded.ok) return FAIL;
      items.push(decoded.value);
    }
    return ok(items);
  }
  switch (kind) {
    case 'int':
      return Number.isSafeInteger(value) ? ok(value) : FAIL;
    case 'uint':
      return Number.isSafeInteger(value) && (value as number) >= 0 ? ok(value) : FAIL;
    case 'float':
      return typeof value === 'number' ? ok(value) : FAIL;
    case 'string':
      return typeof value === 'string' ? ok(value) : FAIL;
    case 'bool':
      return typeof value === 'boolean' ? ok(value) : FAIL;
    case 'strings':
      if (!Array.isArray(value)) return FAIL;
      if (!value.every((item) => item === null || typeof item === 'string')) return FAIL;
      return ok(value.map((item) => item ?? ''));
    case 'bytes':
      return typeof value === 'string' && isStdBase64(value) ? ok(value) : FAIL;
  }
}

function decodeStruct(struct: Struct, input: Record<string, unknown>): Decoded {
  const out = zeroStruct(struct);
  for (const [key, value] of Object.entries(input)) {
    const field =
      struct.find((candidate) => candidate.name === key) ??
      struct.find((candidate) => candidate.name.toLowerCase() === key.toLowerCase());
    if (field === undefined) continue;
    if (value === null) {
      // Go: null sets a pointer, slice or map to nil and leaves any other value alone.
      if (field.pointer === true || typeof field.kind === 'object' || field.kind === 'strings') {
        out[field.name] = null;
      }
      continue;
    }
    const decoded = decodeKind(field.kind, value);
    if (!decoded.ok) return FAIL;
    out[field.name] = decoded.value;
  }
  return ok(out);
}

function zeroStruct(struct: Struct): GoValue {
  const out: GoValue = {};
  for (const field of struct) out[field.name] = zeroOf(field);
  return out;
}

function zeroOf(field: Field): unknown {
  if (field.pointer === true || typeof field.kind === 'object') return null;
  switch (field.kind) {
    case 'int':
    case 'uint':
    case 'float':
      return 0;
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'strings':
    case 'bytes':
      return null;
  }
}

function encodeStruct(struct: Struct, value: GoValue): string {
  const parts: string[] = [];
  for (const field of struct) {
    const v = value[field.name] ?? zeroOf(field);
    if (field.omitempty === true && isEmpty(v)) continue;
    parts.push(`${goString(field.name)}:${encodeKind(field.kind, v)}`);
  }
  return `{${parts.join(',')}}`;
}

function encodeKind(kind: Kind, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof kind === 'object') {
    if ('struct' in kind) return encodeStruct(kind.struct, value as GoValue);
    return `[${(value as unknown[]).map((item) => encodeKind({ struct: kind.slice }, item)).join(',')}]`;
  }
  switch (kind) {
    case 'int':
    case 'uint':
    case 'float':
      return typeof value === 'bigint' ? value.toString() : JSON.stringify(value);
    case 'string':
    case 'bytes':
      return goString(String(value));
    case 'bool':
      return value === true ? 'true' : 'false';
    case 'strings':
      return `[${(value as string[]).map(goString).join(',')}]`;
  }
}

/** Go's `omitempty`: false, 0, "", nil pointer or slice, empty slice. */
function isEmpty(value: unknown): boolean {
  return (
    value === null ||
    value === false ||
    value === 0 ||
    value === 0n ||
    value === '' ||
    (Array.isArray(value) && value.length === 0)
  );
}

/** A JSON string as Go writes it (HTML-safe). */
function goString(text: string): string {
  return JSON.stringify(text).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
