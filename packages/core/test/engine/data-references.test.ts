import { aConfigMap, aDeployment, aSecret, aService } from '@bcs/testing/builders';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigMapService,
  ErrorCode,
  type MesosTaskInfo,
  SecretService,
  ServiceService,
  type ValidationError,
} from '../../src/index.js';
import { rejectionOf } from '../helpers/core.js';
import { createHarness, type Harness, smallApp } from './harness.js';

// Configmaps and secrets that containers reference (issue 9 §2): checked at create and update, kept in the
// version, delivered in the task's launch data, guarded against deletion while referenced.

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.dispose());

const NS = 'defaultGroup';
const configMaps = () => h.container.resolve(ConfigMapService);
const secrets = () => h.container.resolve(SecretService);

/** base64 of a UTF-8 string. */
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

const CONFIGMAPS = [
  {
    name: 'configmap-test',
    items: [
      { type: 'file', dataKey: 'item-one', keyOrPath: '/etc/app/one.conf', readOnly: true, user: 'app' },
      { type: 'env', dataKey: 'item-two', keyOrPath: 'ITEM_TWO' },
    ],
  },
];
const SECRETS = [
  {
    secretName: 'secret-test',
    items: [
      { type: 'env', dataKey: 'secret-subkey', keyOrPath: 'SECRET_ENV_TEST' },
      { type: 'file', dataKey: 'secret-subkey', keyOrPath: '/run/secret/key' },
    ],
  },
];

/** `smallApp` whose container references the document's configmap and secret (or `refs`). */
function appWithRefs(
  refs: { configmaps?: unknown; secrets?: unknown } = {},
  overrides: Record<string, unknown> = {},
) {
  return smallApp(overrides, { configmaps: CONFIGMAPS, secrets: SECRETS, ...refs });
}

async function createDataObjects(): Promise<void> {
  await configMaps().create(NS, aConfigMap({ datas: { 'item-two': { type: 'file', content: b64('two') } } }));
  await secrets().create(NS, aSecret({ datas: { 'secret-subkey': { content: b64('s3cret') } } }));
}

/** The TaskInfos of every LAUNCH_GROUP the scheduler sent, in order. */
function launchedTasks(): MesosTaskInfo[] {
  return h.cluster.calls.flatMap((call) =>
    call.type === 'ACCEPT'
      ? call.accept.operations.flatMap((op) =>
          op.type === 'LAUNCH_GROUP' ? [...op.launch_group.task_group.tasks] : [],
        )
      : [],
  );
}

const decode = (data: string | undefined) => JSON.parse(Buffer.from(data ?? '', 'base64').toString('utf8'));

describe('references are checked at create and update (CheckVersion)', () => {
  const refused = async (action: Promise<unknown>) => {
    const error = (await rejectionOf(action)) as ValidationError;
    expect(error.code).toBe(ErrorCode.InvalidData);
    return error.issues.map((issue) => issue.path);
  };

  it('refuses a missing configmap and a missing secret, naming each reference; nothing is created', async () => {
    const paths = await refused(h.apps.create(NS, appWithRefs()));
    expect(paths).toEqual([
      'spec.template.spec.containers[0].configmaps[0].name',
      'spec.template.spec.containers[0].secrets[0].secretName',
    ]);
    expect((await rejectionOf(Promise.resolve().then(() => h.apps.get(NS, 'app-test')))).code).toBe(
      ErrorCode.NotFound,
    );
  });

  it('refuses data keys the configmap or the secret does not have', async () => {
    await configMaps().create(NS, aConfigMap());
    await secrets().create(NS, aSecret());
    const paths = await refused(
      h.apps.create(
        NS,
        appWithRefs({
          configmaps: [{ name: 'configmap-test', items: [{ type: 'env', dataKey: 'nope', keyOrPath: 'X' }] }],
          secrets: [{ secretName: 'secret-test', items: [{ type: 'env', dataKey: 'gone', keyOrPath: 'Y' }] }],
        }),
      ),
    );
    expect(paths).toEqual([
      'spec.template.spec.containers[0].configmaps[0].items[0].dataKey',
      'spec.template.spec.containers[0].secrets[0].items[0].dataKey',
    ]);
  });

  it('refuses image credentials naming a missing secret or key, or malformed (secret::<name>||<key>)', async () => {
    await secrets().create(
      NS,
      aSecret({ metadata: { name: 'regcred' }, datas: { user: { content: b64('u') } } }),
    );
    const paths = await refused(
      h.apps.create(
        NS,
        appWithRefs(
          { configmaps: [], secrets: [] },
          {
            spec: {
              template: {
                spec: {
                  containers: [
                    {
                      image: 'nginx',
                      imagePullUser: 'secret::regcred||user',
                      imagePullPasswd: 'secret::regcred||pwd',
                    },
                    { image: 'nginx', imagePullUser: 'secret::nope||user', imagePullPasswd: 'secret::bad' },
                  ],
                },
              },
            },
          },
        ),
      ),
    );
    expect(paths).toEqual([
      'spec.template.spec.containers[0].imagePullPasswd',
      'spec.template.spec.containers[1].imagePullUser',
      'spec.template.spec.containers[1].imagePullPasswd',
    ]);
  });

  it('accepts image credentials naming an existing secret key, and plain ones', async () => {
    await secrets().create(
      NS,
      aSecret({ metadata: { name: 'regcred' }, datas: { user: { content: b64('u') } } }),
    );
    const body = smallApp({}, { imagePullUser: 'secret::regcred || user', imagePullPasswd: 'plain' });
    expect((await h.apps.create(NS, body)).app.id).toBe('app-test');
  });

  it('refuses an update that references a missing configmap; the current version stays', async () => {
    await h.apps.create(NS, smallApp());
    const before = h.apps.get(NS, 'app-test').app.versionId;
    await refused(h.apps.update(NS, appWithRefs({ secrets: [] })));
    expect(h.apps.get(NS, 'app-test').app.versionId).toBe(before);
    expect(h.apps.versions(NS, 'app-test')).toHaveLength(1);
  });

  it('checks processes the same way', async () => {
    const body = smallApp({ kind: 'process' }) as {
      spec: { template: { spec: Record<string, unknown> } };
    };
    body.spec.template.spec.containers = undefined;
    body.spec.template.spec.processes = [
      {
        procName: 'p',
        startCmd: './start',
        configmaps: [{ name: 'nope', items: [{ type: 'env', dataKey: 'k', keyOrPath: 'K' }] }],
      },
    ];
    expect(await refused(h.apps.create(NS, JSON.parse(JSON.stringify(body))))).toEqual([
      'spec.template.spec.processes[0].configmaps[0].name',
    ]);
  });

  it('refuses a deployment create and update whose template references missing data', async () => {
    const deployment = (refs: unknown[]) => {
      const body = aDeployment({ spec: { instance: 1 } }) as {
        spec: { template: { spec: { containers: Record<string, unknown>[] } } };
      };
      body.spec.template.spec.containers[0]!.configmaps = refs;
      body.spec.template.spec.containers[0]!.resources = { limits: { cpu: '0.5', memory: '100' } };
      return body as unknown as Record<string, unknown>;
    };
    expect(await refused(h.deployments.create(NS, deployment(CONFIGMAPS)))).toEqual([
      'spec.template.spec.containers[0].configmaps[0].name',
    ]);
    expect((await rejectionOf(h.deployments.get(NS, 'deployment-test'))).code).toBe(ErrorCode.NotFound);

    await h.deployments.create(NS, deployment([]));
    await h.advance(3000);
    expect(await refused(h.deployments.update(NS, deployment(CONFIGMAPS)))).toEqual([
      'spec.template.spec.containers[0].configmaps[0].name',
    ]);
    expect((await h.deployments.get(NS, 'deployment-test')).deployment.status).toBe('Running');

    await createDataObjects();
    await h.deployments.update(NS, deployment(CONFIGMAPS));
    await h.advance(5000);
    expect((await h.deployments.get(NS, 'deployment-test')).deployment.status).toBe('Running');
  });
});

describe('references are kept in the version', () => {
  it('normalised, per container', async () => {
    await createDataObjects();
    const view = await h.apps.create(NS, appWithRefs());
    const [container] = view.version!.containers;
    expect(container!.configMaps).toEqual([
      {
        name: 'configmap-test',
        items: [
          { type: 'file', dataKey: 'item-one', keyOrPath: '/etc/app/one.conf', readOnly: true, user: 'app' },
          { type: 'env', dataKey: 'item-two', keyOrPath: 'ITEM_TWO', readOnly: false, user: '' },
        ],
      },
    ]);
    expect(container!.secrets).toEqual([
      {
        secretName: 'secret-test',
        items: [
          { type: 'env', dataKey: 'secret-subkey', keyOrPath: 'SECRET_ENV_TEST', readOnly: false, user: '' },
          { type: 'file', dataKey: 'secret-subkey', keyOrPath: '/run/secret/key', readOnly: false, user: '' },
        ],
      },
    ]);
  });
});

describe('references are delivered in the launch data', () => {
  it("as the original's DataClass.Msgs in `data`, with env variables also in the command", async () => {
    await createDataObjects();
    await h.apps.create(NS, appWithRefs({}, { spec: { instance: 1 } }));
    await h.advance(3000);
    expect(h.apps.get(NS, 'app-test').taskGroups.map((tg) => tg.status)).toEqual(['Running']);
    const [task] = launchedTasks();
    const common = {
      Id: 0,
      TaskGroupId: '',
      TaskID: null,
      Status: '',
      Message: '',
      CompleteTime: 0,
      CreateTime: 0,
    };
    expect(decode(task!.data)).toEqual({
      Msgs: [
        {
          ...common,
          Type: 1,
          Local: { To: '/etc/app/one.conf', Right: 'r', User: 'app', Base64: 'Y29uZmlnIGNvbnRleHQ=' },
        },
        { ...common, Type: 3, Env: { Name: 'ITEM_TWO', Value: b64('two') } },
        { ...common, Type: 5, Secret: { Name: 'SECRET_ENV_TEST', Value: b64('s3cret'), Type: 1 } },
        { ...common, Type: 5, Secret: { Name: '/run/secret/key', Value: b64('s3cret'), Type: 2 } },
      ],
    });
    const env = task!.command!.environment!.variables;
    expect(env.slice(-2)).toEqual([
      { name: 'ITEM_TWO', value: 'two' },
      { name: 'SECRET_ENV_TEST', value: 's3cret' },
    ]);
  });

  it('remote configmap data as REMOTE and ENV_REMOTE messages, not in the environment', async () => {
    await configMaps().create(
      NS,
      aConfigMap({
        metadata: { name: 'remote' },
        datas: {
          'item-one': {
            type: 'https',
            content: 'https://conf.example/a',
            remoteUser: 'u',
            remotePasswd: 'p',
          },
          'item-two': { type: 'https', content: 'https://conf.example/b' },
        },
      }),
    );
    const refs = [
      {
        name: 'remote',
        items: [
          { type: 'file', dataKey: 'item-one', keyOrPath: '/etc/a' },
          { type: 'env', dataKey: 'item-two', keyOrPath: 'B' },
        ],
      },
    ];
    await h.apps.create(NS, appWithRefs({ configmaps: refs, secrets: [] }, { spec: { instance: 1 } }));
    await h.advance(3000);
    const [task] = launchedTasks();
    const { Msgs } = decode(task!.data);
    expect(Msgs.map((m: { Type: number }) => m.Type)).toEqual([4, 7]);
    expect(Msgs[0].Remote).toEqual({
      To: '/etc/a',
      Right: 'rw',
      User: '',
      From: 'https://conf.example/a',
      Type: 'https',
      RemoteUser: 'u',
      RemotePasswd: 'p',
    });
    expect(Msgs[1].EnvRemote).toEqual({
      Name: 'B',
      From: 'https://conf.example/b',
      Type: 'https',
      RemoteUser: '',
      RemotePasswd: '',
    });
    const names = (task!.command!.environment?.variables ?? []).map((v) => v.name);
    expect(names).not.toContain('B');
  });

  it('a container without references launches without data', async () => {
    await h.apps.create(NS, smallApp({ spec: { instance: 1 } }));
    await h.advance(3000);
    expect(launchedTasks()[0]!.data).toBeUndefined();
  });

  it('new instances get the content as it is at their launch; running ones keep theirs', async () => {
    await createDataObjects();
    await h.apps.create(NS, appWithRefs({}, { spec: { instance: 1 } }));
    await h.advance(3000);
    await configMaps().update(
      NS,
      aConfigMap({ datas: { 'item-two': { type: 'file', content: b64('new') } } }),
    );
    await h.apps.scale(NS, 'app-test', 2);
    await h.advance(3000);
    const [first, second] = launchedTasks();
    expect(first!.command!.environment!.variables).toContainEqual({ name: 'ITEM_TWO', value: 'two' });
    expect(second!.command!.environment!.variables).toContainEqual({ name: 'ITEM_TWO', value: 'new' });
    expect(launchedTasks()).toHaveLength(2);
  });
});

describe('a referenced configmap or secret is not deleted without force', () => {
  beforeEach(async () => {
    await createDataObjects();
    await h.apps.create(NS, appWithRefs({}, { spec: { instance: 1 } }));
  });

  it('refuses with Conflict while an application references it, and keeps it', async () => {
    expect((await rejectionOf(configMaps().delete(NS, 'configmap-test'))).code).toBe(ErrorCode.Conflict);
    expect((await rejectionOf(secrets().delete(NS, 'secret-test'))).code).toBe(ErrorCode.Conflict);
    expect((await configMaps().get(NS, 'configmap-test')).metadata.name).toBe('configmap-test');
    expect((await secrets().get(NS, 'secret-test')).metadata.name).toBe('secret-test');
  });

  it('deletes with force; an instance launched later goes without the data', async () => {
    await h.advance(3000);
    await configMaps().delete(NS, 'configmap-test', { force: true });
    await secrets().delete(NS, 'secret-test', { force: true });
    expect((await rejectionOf(configMaps().get(NS, 'configmap-test'))).code).toBe(ErrorCode.NotFound);
    await h.apps.scale(NS, 'app-test', 2);
    await h.advance(3000);
    expect(h.apps.get(NS, 'app-test').taskGroups.map((tg) => tg.status)).toEqual(['Running', 'Running']);
    expect(launchedTasks()[1]!.data).toBeUndefined();
  });

  it('deletes once the application is gone, and other namespaces are not affected', async () => {
    await configMaps().create('other', aConfigMap({ metadata: { namespace: 'other' } }));
    await configMaps().delete('other', 'configmap-test');
    await h.advance(3000);
    await h.apps.delete(NS, 'app-test', true);
    await h.advance(3000);
    await configMaps().delete(NS, 'configmap-test');
    await secrets().delete(NS, 'secret-test');
    expect(await configMaps().list(NS)).toEqual([]);
  });

  it('a still missing object answers NotFound, with force or not', async () => {
    expect((await rejectionOf(configMaps().delete(NS, 'nope'))).code).toBe(ErrorCode.NotFound);
    expect((await rejectionOf(configMaps().delete(NS, 'nope', { force: true }))).code).toBe(
      ErrorCode.NotFound,
    );
  });
});

describe("configmap, secret and service writes and the engine's queue (issue 11 §3)", () => {
  /** Holds the engine's queue until the returned function is called. */
  function holdQueue(): () => void {
    let release!: () => void;
    void h.engine.run(() => new Promise<void>((resolve) => (release = resolve)));
    return () => release();
  }

  it('creates and updates (and service deletes) do not wait for the queue: they touch no scheduling state', async () => {
    const release = holdQueue();
    await configMaps().create(NS, aConfigMap());
    await configMaps().update(
      NS,
      aConfigMap({ datas: { 'item-one': { type: 'file', content: b64('new') } } }),
    );
    await secrets().create(NS, aSecret());
    await h.container.resolve(ServiceService).create(NS, aService());
    await h.container.resolve(ServiceService).delete(NS, 'service-test');
    expect((await configMaps().get(NS, 'configmap-test')).datas['item-one']?.content).toBe(b64('new'));
    release();
  });

  it('deletes wait for it: their reference check reads the applications the queue changes', async () => {
    await configMaps().create(NS, aConfigMap());
    const release = holdQueue();
    let settled = false;
    const deleted = configMaps()
      .delete(NS, 'configmap-test')
      .finally(() => {
        settled = true;
      });
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    expect(await configMaps().get(NS, 'configmap-test')).toBeDefined();
    release();
    await deleted;
    await expect(configMaps().get(NS, 'configmap-test')).rejects.toHaveProperty('code', ErrorCode.NotFound);
  });
});
