import { describe, expect, it } from 'vitest';
import type { ConfigMap, ContainerSpec, Secret } from '../../src/index.js';
import { taskDataOf, taskEnvOf, taskMessagesOf } from '../../src/scheduler/task-data.js';

const meta = { name: 'x', namespace: 'ns', creationTimestamp: '2026-11-24T06:00:00Z' } as never;
const configMap = (datas: ConfigMap['datas']): ConfigMap =>
  ({ apiVersion: 'v4', kind: 'configmap', metadata: meta, datas }) as ConfigMap;
const secret = (datas: Secret['datas']): Secret =>
  ({ apiVersion: 'v4', kind: 'secret', metadata: meta, datas }) as Secret;
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const item = (type: 'env' | 'file', dataKey: string, keyOrPath: string) => ({
  type,
  dataKey,
  keyOrPath,
  readOnly: false,
  user: '',
});

describe('taskMessagesOf', () => {
  it('skips data keys the object lacks and objects that are gone, as the original skipped a missing key', () => {
    const spec: Pick<ContainerSpec, 'configMaps' | 'secrets'> = {
      configMaps: [
        { name: 'cm', items: [item('env', 'a', 'A'), item('env', 'missing', 'M')] },
        { name: 'gone', items: [item('env', 'a', 'G')] },
      ],
      secrets: [{ secretName: 'gone', items: [item('env', 'k', 'K')] }],
    };
    const messages = taskMessagesOf(spec, {
      configMaps: new Map([['cm', configMap({ a: { type: 'file', content: b64('1') } })]]),
      secrets: new Map(),
    });
    expect(messages.map((m) => m.Env?.Name)).toEqual(['A']);
  });

  it('does not take inherited keys for data keys', () => {
    const spec = { configMaps: [{ name: 'cm', items: [item('env', 'toString', 'T')] }] };
    const objects = { configMaps: new Map([['cm', configMap({})]]), secrets: new Map() };
    expect(taskMessagesOf(spec, objects)).toEqual([]);
  });
});

describe('taskEnvOf', () => {
  it('decodes base64 UTF-8 values, and keeps a value that is not base64 as it is', () => {
    const spec = {
      configMaps: [{ name: 'cm', items: [item('env', 'a', 'A')] }],
      secrets: [{ secretName: 's', items: [item('env', 'k', 'K'), item('file', 'k', '/f')] }],
    };
    const messages = taskMessagesOf(spec, {
      configMaps: new Map([['cm', configMap({ a: { type: 'file', content: b64('grüß') } })]]),
      secrets: new Map([['s', secret({ k: { content: 'not base64!' } })]]),
    });
    expect(taskEnvOf(messages)).toEqual([
      { name: 'A', value: 'grüß' },
      { name: 'K', value: 'not base64!' },
    ]);
  });
});

describe('taskDataOf', () => {
  it('is undefined without messages, else base64 JSON {Msgs} that decodes back', () => {
    expect(taskDataOf([])).toBeUndefined();
    const messages = taskMessagesOf(
      { secrets: [{ secretName: 's', items: [item('file', 'k', '/ü')] }] },
      { configMaps: new Map(), secrets: new Map([['s', secret({ k: { content: b64('v') } })]]) },
    );
    const data = taskDataOf(messages)!;
    expect(JSON.parse(Buffer.from(data, 'base64').toString('utf8'))).toEqual({ Msgs: messages });
  });
});
