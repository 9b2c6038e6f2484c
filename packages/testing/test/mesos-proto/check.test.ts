import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { checkMessage, loadMesosSchema } from '../../src/mesos-proto/index.js';

// Each rule of the strict check on small hand-written bodies: a valid one (undefined) and invalid ones, whose
// problem must name the JSON path of the first offending value. Paths are the contract; rule texts are not.
const schema = loadMesosSchema();
const FW = { value: 'M-0000' };
const AGENT = { value: 'M-S0' };

/** The JSON path a problem names (the text before the first `: `). */
const pathOf = (problem: string | undefined) => problem?.slice(0, problem.indexOf(': '));

const task = (extra: Record<string, unknown> = {}) => ({
  name: 'web',
  task_id: { value: 'web-1' },
  agent_id: AGENT,
  resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.5 } }],
  command: { value: 'sleep 1' },
  ...extra,
});

const launch = (taskExtra: Record<string, unknown> = {}, executorExtra: Record<string, unknown> = {}) => ({
  type: 'ACCEPT',
  framework_id: FW,
  accept: {
    offer_ids: [{ value: 'M-O1' }],
    operations: [
      {
        type: 'LAUNCH_GROUP',
        launch_group: {
          executor: {
            type: 'DEFAULT',
            executor_id: { value: 'grp-1' },
            framework_id: FW,
            resources: [{ name: 'mem', type: 'SCALAR', scalar: { value: 32 } }],
            ...executorExtra,
          },
          task_group: { tasks: [task(taskExtra)] },
        },
      },
    ],
    filters: { refuse_seconds: 5 },
  },
});

const update = (status: Record<string, unknown>) => ({
  type: 'UPDATE',
  update: { status: { task_id: { value: 'web-1' }, state: 'TASK_RUNNING', ...status } },
});

describe('checkCall: the spec digest examples are valid', () => {
  it.each([
    ['LAUNCH_GROUP', launch()],
    [
      'SUBSCRIBE (new)',
      {
        type: 'SUBSCRIBE',
        subscribe: {
          framework_info: {
            user: 'svc',
            name: 'ts-fw',
            roles: ['batch'],
            failover_timeout: 604800,
            checkpoint: true,
            capabilities: [{ type: 'MULTI_ROLE' }, { type: 'PARTITION_AWARE' }],
          },
          suppressed_roles: [],
        },
      },
    ],
    [
      'SUBSCRIBE (again)',
      {
        type: 'SUBSCRIBE',
        framework_id: FW,
        subscribe: { framework_info: { id: FW, user: 'svc', name: 'ts-fw' } },
      },
    ],
    ['DECLINE', { type: 'DECLINE', framework_id: FW, decline: { offer_ids: [{ value: 'M-O9' }] } }],
    ['REVIVE without a body', { type: 'REVIVE', framework_id: FW }],
    ['SUPPRESS with roles', { type: 'SUPPRESS', framework_id: FW, suppress: { roles: ['batch'] } }],
    [
      'KILL',
      {
        type: 'KILL',
        framework_id: FW,
        kill: {
          task_id: { value: 'web-1' },
          agent_id: AGENT,
          kill_policy: { grace_period: { nanoseconds: 5_000_000_000 } },
        },
      },
    ],
    [
      'ACKNOWLEDGE',
      {
        type: 'ACKNOWLEDGE',
        framework_id: FW,
        acknowledge: { agent_id: AGENT, task_id: { value: 'web-1' }, uuid: 'yquKe+R9RxyK7YbDJb5OCA==' },
      },
    ],
    ['RECONCILE (implicit)', { type: 'RECONCILE', framework_id: FW, reconcile: { tasks: [] } }],
    [
      'MESSAGE',
      {
        type: 'MESSAGE',
        framework_id: FW,
        message: { agent_id: AGENT, executor_id: { value: 'grp-1' }, data: 'cmVsb2Fk' },
      },
    ],
    ['TEARDOWN', { type: 'TEARDOWN', framework_id: FW }],
    ['camelCase JSON names', { type: 'DECLINE', frameworkId: FW, decline: { offerIds: [{ value: 'O' }] } }],
    ['an enum by number', { type: 4, framework_id: FW, decline: { offer_ids: [] } }],
  ])('%s', (_, body) => {
    expect(schema.checkCall(body)).toBeUndefined();
  });
});

describe('checkCall: unknown fields', () => {
  it('flags a key that is no field, with its full path', () => {
    expect(pathOf(schema.checkCall(launch({ foo: 1 })))).toBe(
      'accept.operations[0].launch_group.task_group.tasks[0].foo',
    );
  });
  it('flags the classic misplacements: `uris` on TaskInfo, `role` on REVIVE, a top-level `message`', () => {
    expect(pathOf(schema.checkCall(launch({ uris: [{ value: 'http://x' }] })))).toBe(
      'accept.operations[0].launch_group.task_group.tasks[0].uris',
    );
    expect(pathOf(schema.checkCall({ type: 'REVIVE', framework_id: FW, revive: { role: 'x' } }))).toBe(
      'revive.role',
    );
    expect(pathOf(schema.checkEvent({ type: 'ERROR', message: 'x' }))).toBe('message');
  });
  it('with protoNamesOnly, flags a JSON name (a master would ignore the key)', () => {
    const strict = loadMesosSchema(undefined, { protoNamesOnly: true });
    expect(pathOf(strict.checkCall({ type: 'TEARDOWN', frameworkId: FW }))).toBe('frameworkId');
    expect(pathOf(strict.checkCall(launch({ killPolicy: {} })))).toBe(
      'accept.operations[0].launch_group.task_group.tasks[0].killPolicy',
    );
    expect(strict.checkCall(launch())).toBeUndefined();
  });
  it('ignores a key whose value is undefined (JSON.stringify drops it)', () => {
    expect(schema.checkCall({ ...launch(), bogus: undefined })).toBeUndefined();
  });
  it('flags a field given under both spellings', () => {
    expect(pathOf(schema.checkCall({ type: 'TEARDOWN', framework_id: FW, frameworkId: FW }))).toBe(
      'frameworkId',
    );
  });
});

describe('checkCall / checkEvent: enums', () => {
  it('flags a name the enum lacks', () => {
    expect(pathOf(schema.checkEvent(update({ state: 'TASK_RUNNNING' })))).toBe('update.status.state');
    expect(pathOf(schema.checkCall(launch({}, { type: 'BCS' })))).toBe(
      'accept.operations[0].launch_group.executor.type',
    );
  });
  it('flags a number the enum lacks, and a value of the wrong JSON type', () => {
    expect(pathOf(schema.checkEvent(update({ state: 99 })))).toBe('update.status.state');
    expect(pathOf(schema.checkEvent(update({ source: true })))).toBe('update.status.source');
  });
});

describe('checkCall / checkEvent: required fields', () => {
  it('flags a missing proto2 required field where it is missing', () => {
    expect(pathOf(schema.checkCall(launch({ name: undefined })))).toBe(
      'accept.operations[0].launch_group.task_group.tasks[0].name',
    );
    expect(pathOf(schema.checkEvent({ type: 'UPDATE', update: { status: { state: 'TASK_LOST' } } }))).toBe(
      'update.status.task_id',
    );
  });
  it('counts null as unset', () => {
    expect(pathOf(schema.checkEvent(update({ task_id: null })))).toBe('update.status.task_id');
    expect(schema.checkEvent(update({ message: null }))).toBeUndefined();
  });
});

describe('scalars', () => {
  it.each([
    ['int64 as a number', { nanoseconds: 20_000_000_000 }, true],
    ['int64 as a decimal string', { nanoseconds: '9223372036854775807' }, true],
    ['int64 beyond 2^53 as a number', { nanoseconds: 2 ** 60 }, true],
    ['int64 out of range', { nanoseconds: '9223372036854775808' }, false],
    ['int64 with a fraction', { nanoseconds: 1.5 }, false],
    ['int64 as a non-decimal string', { nanoseconds: '1e9' }, false],
    ['int64 as a bool', { nanoseconds: true }, false],
  ])('%s', (_, grace, valid) => {
    const problem = schema.checkCall({
      type: 'KILL',
      framework_id: FW,
      kill: { task_id: { value: 't' }, kill_policy: { grace_period: grace } },
    });
    if (valid) expect(problem).toBeUndefined();
    else expect(pathOf(problem)).toBe('kill.kill_policy.grace_period.nanoseconds');
  });

  it.each([
    ['a uint32 port', { port: 8080 }, true],
    ['a negative uint32', { port: -1 }, false],
    ['a uint32 beyond 2^32', { port: 2 ** 32 }, false],
    ['a uint32 as a decimal string', { port: '8080' }, true],
  ])('%s', (_, http, valid) => {
    const problem = schema.checkCall(launch({ health_check: { type: 'HTTP', http } }));
    const path = 'accept.operations[0].launch_group.task_group.tasks[0].health_check.http.port';
    if (valid) expect(problem).toBeUndefined();
    else expect(pathOf(problem)).toBe(path);
  });

  it.each([
    ['a number', 0.5, true],
    ['"Infinity"', 'Infinity', true],
    ['a numeric string', '0.5', false],
    ['NaN as a number', Number.NaN, false],
    ['null (unset; scalar is then missing nothing)', null, true],
  ])('double: %s', (_, value, valid) => {
    const problem = schema.checkCall(
      launch({ resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value } }] }),
    );
    const path = 'accept.operations[0].launch_group.task_group.tasks[0].resources[0].scalar.value';
    // A null `value` leaves the required `Value.Scalar.value` unset: still the same path.
    if (valid && value !== null) expect(problem).toBeUndefined();
    else expect(pathOf(problem)).toBe(path);
  });

  it.each([
    ['standard padded', 'yquKe+R9RxyK7YbDJb5OCA==', true],
    ['unpadded', 'yquKe+R9RxyK7YbDJb5OCA', true],
    ['URL-safe (Mesos decodes standard base64 only)', 'yquKe-R9RxyK7YbDJb5OCA==', false],
    ['a UUID text', 'cabb8a7b-e47d-471c-8aed-86c325be4e08', false],
    ['a bad length', 'abcde', false],
    ['a bad padding', 'ab=', false],
    ['a number', 12, false],
  ])('bytes: %s', (_, uuid, valid) => {
    const problem = schema.checkCall({
      type: 'ACKNOWLEDGE',
      framework_id: FW,
      acknowledge: { agent_id: AGENT, task_id: { value: 't' }, uuid },
    });
    if (valid) expect(problem).toBeUndefined();
    else expect(pathOf(problem)).toBe('acknowledge.uuid');
  });

  it('bool must be a JSON boolean, string a JSON string', () => {
    expect(pathOf(schema.checkEvent(update({ healthy: 'true' })))).toBe('update.status.healthy');
    expect(pathOf(schema.checkEvent(update({ message: 5 })))).toBe('update.status.message');
    expect(schema.checkEvent(update({ healthy: false, message: 'ok', timestamp: 1718000123.45 }))).toBe(
      undefined,
    );
  });
});

describe('repeated fields and nested messages', () => {
  it('wants an array for a repeated field and no null elements in it', () => {
    expect(pathOf(schema.checkCall({ type: 'DECLINE', framework_id: FW, decline: { offer_ids: {} } }))).toBe(
      'decline.offer_ids',
    );
    expect(
      pathOf(schema.checkCall({ type: 'DECLINE', framework_id: FW, decline: { offer_ids: [FW, null] } })),
    ).toBe('decline.offer_ids[1]');
  });
  it('wants an object for a message: an id is never a bare string', () => {
    expect(pathOf(schema.checkCall({ type: 'TEARDOWN', framework_id: 'M-0000' }))).toBe('framework_id');
    expect(pathOf(schema.checkCall(launch({ task_id: 'web-1' })))).toBe(
      'accept.operations[0].launch_group.task_group.tasks[0].task_id',
    );
  });
  it('reports the first problem in document order, deep inside', () => {
    const body = launch({
      container: {
        type: 'MESOS',
        network_infos: [{ port_mappings: [{ host_port: 1, container_port: 'x' }] }],
      },
    });
    expect(pathOf(schema.checkCall(body))).toBe(
      'accept.operations[0].launch_group.task_group.tasks[0].container.network_infos[0].port_mappings[0].container_port',
    );
  });
  it('checks the root is an object', () => {
    expect(schema.checkCall([])).toBeDefined();
    expect(schema.checkEvent('HEARTBEAT')).toBeDefined();
  });
});

describe('the envelope (what a master rejects or never sends)', () => {
  it('wants a type other than UNKNOWN', () => {
    expect(pathOf(schema.checkCall({ framework_id: FW }))).toBe('type');
    expect(pathOf(schema.checkEvent({ type: 'UNKNOWN' }))).toBe('type');
  });
  it("wants the type's body, and no other type's", () => {
    expect(pathOf(schema.checkCall({ type: 'ACCEPT', framework_id: FW }))).toBe('accept');
    expect(pathOf(schema.checkEvent({ type: 'OFFERS' }))).toBe('offers');
    expect(pathOf(schema.checkCall({ type: 'REVIVE', framework_id: FW, suppress: { roles: [] } }))).toBe(
      'suppress',
    );
    expect(schema.checkEvent({ type: 'HEARTBEAT' })).toBeUndefined();
  });
  it('wants framework_id on every call but SUBSCRIBE, and the same id in a re-SUBSCRIBE', () => {
    expect(pathOf(schema.checkCall({ type: 'REVIVE' }))).toBe('framework_id');
    expect(
      pathOf(
        schema.checkCall({
          type: 'SUBSCRIBE',
          framework_id: FW,
          subscribe: { framework_info: { id: { value: 'other' }, user: 'u', name: 'n' } },
        }),
      ),
    ).toBe('framework_id');
  });
});

describe('checkMessage', () => {
  it('walks any message type of the loaded root', () => {
    const resource = schema.root.lookupType('mesos.Resource');
    expect(
      checkMessage(resource, { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 1, end: 2 }] } }),
    ).toBeUndefined();
    expect(
      pathOf(checkMessage(resource, { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 1 }] } })),
    ).toBe('ranges.range[0].end');
  });
});

describe('maps and oneofs (none in the Mesos protos, so on a small hand-written proto)', () => {
  const root = protobuf.parse(
    `syntax = "proto3";
     message Limits { double value = 1; }
     message M {
       map<string, Limits> limits = 1;
       map<int32, string> by_id = 2;
       oneof choice { string name = 3; int64 number = 4; }
     }`,
    { keepCase: true },
  ).root;
  root.resolveAll();
  const m = root.lookupType('M');

  it('checks map values as their type, and map keys as theirs', () => {
    expect(checkMessage(m, { limits: { cpus: { value: 1 } }, by_id: { '7': 'x' } })).toBeUndefined();
    expect(pathOf(checkMessage(m, { limits: { cpus: { value: 'x' } } }))).toBe('limits.cpus.value');
    expect(pathOf(checkMessage(m, { by_id: { seven: 'x' } }))).toBe('by_id.seven');
    expect(pathOf(checkMessage(m, { limits: [] }))).toBe('limits');
  });
  it('flags two members of one oneof', () => {
    expect(checkMessage(m, { name: 'a' })).toBeUndefined();
    expect(pathOf(checkMessage(m, { name: 'a', number: 1 }))).toBe('number');
  });
});
