import type protobuf from 'protobufjs';
import { type CheckOptions, checkMessage, fieldValue } from './check.js';
import { loadMesosRoot, mesosProtoDirs } from './load.js';

export { type CheckOptions, checkMessage, jsonName } from './check.js';
export {
  DEBIAN_GOGO_PROTO_DIR,
  DEBIAN_MESOS_PROTO_DIR,
  GOGO_PROTO_PACKAGE,
  MESOS_PROTO_PACKAGE,
  type MesosProtoDirs,
  mesosProtoDirs,
} from './load.js';

/** Strict checks of Mesos v1 scheduler JSON against the real protos. */
export interface MesosSchema {
  /**
   * A `mesos.scheduler.Call` as sent on the wire (with `framework_id`): the first problem as
   * `<json path>: <rule>`, or `undefined` when valid.
   */
  checkCall(body: unknown): string | undefined;
  /** A `mesos.scheduler.Event` as written on the stream: the first problem, or `undefined` when valid. */
  checkEvent(event: unknown): string | undefined;
  /** The loaded protobufjs root (proto field names kept), for tests that need more. */
  readonly root: protobuf.Root;
}

const cache = new Map<string, MesosSchema>();
const rootCache = new Map<string, protobuf.Root>();
const rootKey = (dirs: { mesos: string; gogo: string }) => `${dirs.mesos}\0${dirs.gogo}`;

/**
 * Loads `scheduler/scheduler.proto` and `mesos.proto` from `dir` (default: `MESOS_PROTO_DIR`, else Debian's
 * golang-github-mesos-mesos-go-dev tree), with `gogo.proto` from `GOGO_PROTO_DIR` or Debian's
 * golang-github-gogo-protobuf-dev. Throws, naming the package, when a file is missing. Cached per directory.
 *
 * Each check is the proto walk of {@link checkMessage}, plus what a Mesos master rejects with 400 or 501 in
 * the envelope (spec/mesos-v1.md §1) and what a master never emits:
 * - `type` is set and not `UNKNOWN`;
 * - the body named after the type (`ACCEPT` → `accept`) is set, except for calls whose body is optional
 *   (`REVIVE`, `SUPPRESS`) or absent (`TEARDOWN`, and the `HEARTBEAT` event); no other type's body is set;
 * - a call other than SUBSCRIBE has `framework_id`; a SUBSCRIBE with `framework_id` has the same id in
 *   `subscribe.framework_info.id`.
 *
 * `options.protoNamesOnly` rejects the proto3 JSON names (`frameworkId`): a Mesos master reads only the proto
 * names and silently ignores any other key, so traffic meant for a real master should be checked with it.
 */
export function loadMesosSchema(dir?: string, options: CheckOptions = {}): MesosSchema {
  const dirs = mesosProtoDirs(dir);
  const protoNamesOnly = options.protoNamesOnly === true;
  const key = `${dirs.mesos}\0${dirs.gogo}\0${protoNamesOnly}`;
  let schema = cache.get(key);
  if (schema === undefined) {
    const root = rootCache.get(rootKey(dirs)) ?? loadMesosRoot(dirs);
    rootCache.set(rootKey(dirs), root);
    const walk = { protoNamesOnly };
    const call = root.lookupType('mesos.scheduler.Call');
    const event = root.lookupType('mesos.scheduler.Event');
    const callEnvelope = envelopeOf(call);
    const eventEnvelope = envelopeOf(event);
    schema = {
      root,
      checkCall: (body) =>
        checkMessage(call, body, '', walk) ?? checkEnvelope(callEnvelope, body) ?? checkFrameworkId(body),
      checkEvent: (body) => checkMessage(event, body, '', walk) ?? checkEnvelope(eventEnvelope, body),
    };
    cache.set(key, schema);
  }
  return schema;
}

// Types whose body may be left out (REVIVE/SUPPRESS without one mean every role) or that have none.
const OPTIONAL_BODY = new Set(['REVIVE', 'SUPPRESS', 'TEARDOWN', 'HEARTBEAT']);

/** The `type` field of Call or Event, and its bodies: the fields named after a type (`accept` for ACCEPT). */
interface Envelope {
  readonly name: string;
  readonly type: protobuf.Field;
  readonly types: protobuf.Enum;
  readonly bodies: readonly { readonly name: string; readonly field: protobuf.Field }[];
}

function envelopeOf(message: protobuf.Type): Envelope {
  const type = message.fields.type!;
  const types = type.resolvedType as protobuf.Enum;
  const bodies = message.fieldsArray
    .filter((field) => Object.hasOwn(types.values, field.name.toUpperCase()))
    .map((field) => ({ name: field.name, field }));
  return { name: message.name, type, types, bodies };
}

/** The `type` / body union rules; runs after {@link checkMessage}, so the shapes are already valid. */
function checkEnvelope(envelope: Envelope, body: unknown): string | undefined {
  const object = body as Record<string, unknown>;
  const raw = fieldValue(object, envelope.type);
  if (raw === undefined || raw === null) return `type: missing (${envelope.name}.type)`;
  const name = typeof raw === 'number' ? envelope.types.valuesById[raw]! : (raw as string);
  if (name === 'UNKNOWN') return `type: UNKNOWN is not a ${envelope.name} a master accepts or sends`;
  const own = name.toLowerCase();
  for (const { name: bodyName, field } of envelope.bodies) {
    const set = fieldValue(object, field) != null;
    if (bodyName === own && !set && !OPTIONAL_BODY.has(name))
      return `${bodyName}: missing (required by type ${name})`;
    if (bodyName !== own && set) return `${bodyName}: set, but type is ${name}`;
  }
  return undefined;
}

function checkFrameworkId(body: unknown): string | undefined {
  const call = body as Record<string, unknown>;
  const frameworkId = pick(call, 'framework_id') as { value: string } | undefined;
  const type = pick(call, 'type');
  if (type !== 'SUBSCRIBE' && type !== 1)
    return frameworkId === undefined
      ? 'framework_id: missing (required on every call but SUBSCRIBE)'
      : undefined;
  const info = pick(pick(call, 'subscribe'), 'framework_info');
  const infoId = pick(pick(info, 'id'), 'value');
  if (frameworkId !== undefined && frameworkId.value !== infoId)
    return 'framework_id: differs from subscribe.framework_info.id';
  return undefined;
}

/** `object[name]` under the proto name or its JSON name; `undefined` for null or a non-object. */
function pick(object: unknown, name: string): unknown {
  if (typeof object !== 'object' || object === null) return undefined;
  const record = object as Record<string, unknown>;
  return record[name] ?? record[name.replace(/_(.)/g, (_, c: string) => c.toUpperCase())] ?? undefined;
}
