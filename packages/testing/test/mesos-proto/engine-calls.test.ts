// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${bcs.*}` are BCS env templates, not JS ones.
import {
  ConfigMapService,
  type EngineOptions,
  type MesosCall,
  type MesosEventListener,
  type MesosFrameworkInfo,
  SecretService,
} from '@bcs/core';
import { SimulatedCluster } from '@bcs/mesos-sim';
import { afterEach, describe, expect, it } from 'vitest';
// Core's engine harness (the scheduler on a simulated cluster with a manual clock), reused so this runs the
// engine exactly as core's own scenario tests do.
import {
  createHarness,
  type Harness,
  type MesosTransport,
  START,
  smallApp,
} from '../../../core/test/engine/harness.js';
import { aConfigMap, aSecret } from '../../src/builders/index.js';
import { ManualClock } from '../../src/fakes/index.js';
import { loadMesosSchema } from '../../src/mesos-proto/index.js';

// Every call core's engine sends in a realistic run, in the wire form a driver sends (`framework_id` added),
// every event it receives, and its SUBSCRIBE body, checked against the real scheduler.proto.
// Proto names only: a master ignores any other key, so a camelCase key would be silently lost on the wire.
const schema = loadMesosSchema(undefined, { protoNamesOnly: true });

/** A simulated cluster that checks what passes through it the way an HTTP driver would put it on the wire. */
class CheckedCluster extends SimulatedCluster {
  readonly problems: string[] = [];
  readonly subscribes: unknown[] = [];
  readonly callTypes = new Set<string>();

  override subscribe(framework: MesosFrameworkInfo, listener: MesosEventListener): Promise<void> {
    const body = {
      type: 'SUBSCRIBE',
      ...(framework.id === undefined ? {} : { framework_id: framework.id }),
      subscribe: { framework_info: framework },
    };
    this.subscribes.push(body);
    this.#check('SUBSCRIBE', body, schema.checkCall(body));
    return super.subscribe(framework, (event) => {
      this.#check('event', event, schema.checkEvent(event));
      listener(event);
    });
  }

  override call(call: MesosCall): Promise<void> {
    const wire = { ...call, framework_id: { value: this.frameworkId ?? '' } };
    this.callTypes.add(call.type);
    this.#check('call', wire, schema.checkCall(wire));
    return super.call(call);
  }

  #check(what: string, body: unknown, problem: string | undefined): void {
    if (problem !== undefined) this.problems.push(`${what} ${JSON.stringify(body)}: ${problem}`);
  }
}

const NS = 'defaultGroup';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** An application using most of what reaches a TaskInfo. */
function richApp(name: string, networkMode: string, container: Record<string, unknown> = {}) {
  return smallApp(
    {
      appname: name,
      metadata: { name, labels: { podname: name, tier: 'web' } },
      killPolicy: { gracePeriod: 3 },
      restartPolicy: { policy: 'Always', interval: 1, backoff: 1 },
      spec: { instance: 2, template: { spec: { networkMode, networkType: networkMode } } },
    },
    {
      command: '/bin/server',
      args: ['--port', '${bcs.ports.http}'],
      env: [
        { name: 'APP', value: '${bcs.appname}' },
        { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      ],
      ports: [
        { containerPort: 8080, hostPort: 0, name: 'http', protocol: 'HTTP' },
        { containerPort: 9090, name: 'admin', protocol: 'TCP' },
        { containerPort: 5353, name: 'dns', protocol: 'UDP' },
      ],
      volumes: [
        { name: 'logs', volume: { hostPath: '/var/log/app', mountPath: '/logs' } },
        { name: 'conf', volume: { hostPath: '/etc/app', mountPath: '/conf', readOnly: true } },
      ],
      configmaps: [
        {
          name: 'configmap-test',
          items: [
            {
              type: 'file',
              dataKey: 'item-one',
              keyOrPath: '/etc/app/one.conf',
              readOnly: true,
              user: 'app',
            },
            { type: 'env', dataKey: 'item-two', keyOrPath: 'ITEM_TWO' },
          ],
        },
      ],
      secrets: [
        { secretName: 'secret-test', items: [{ type: 'env', dataKey: 'secret-subkey', keyOrPath: 'S' }] },
      ],
      ...container,
    },
  );
}

const CHECKS = {
  http: [
    { type: 'REMOTE_HTTP', http: { portName: 'http', path: '/r' } },
    {
      type: 'HTTP',
      delaySeconds: 5,
      intervalSeconds: 10,
      timeoutSeconds: 2,
      consecutiveFailures: 3,
      gracePeriodSeconds: 30,
      http: { portName: 'http', scheme: 'http', path: '/healthz' },
    },
  ],
  tcp: [{ type: 'TCP', tcp: { port: 31090 } }],
  command: [{ type: 'COMMAND', command: { value: 'test -f /tmp/ok' } }],
};

let h: Harness | undefined;
afterEach(() => h?.dispose());

// Both executor modes (EngineOptions.executor): Mesos' DEFAULT executor, and the original's CUSTOM one; each
// in process and through the wire (the harness's `http` transport: MesosHttpDriver to MesosSimServer, whose
// strict hooks check the bytes the driver really sends, SUBSCRIBE included).
const BCS = { kind: 'bcs', uri: 'http://example.invalid/bcs-container-executor' } as const;
const CASES: readonly { executor: EngineOptions['executor'] & object; transport: MesosTransport }[] = [
  { executor: { kind: 'default' }, transport: 'in-process' },
  { executor: BCS, transport: 'in-process' },
  { executor: { kind: 'default' }, transport: 'http' },
  { executor: BCS, transport: 'http' },
];

describe.each(CASES)(
  "core's engine on the simulator, against scheduler.proto (executor $executor.kind, $transport)",
  ({ executor, transport }) => {
    it('every SUBSCRIBE, call and event of a realistic run is valid', async () => {
      const clock = new ManualClock(START);
      const cluster = new CheckedCluster({
        clock,
        seed: 7,
        agents: 4,
        offerIntervalMs: 1000,
        startupMs: 100,
      });
      await cluster.open();
      h = await createHarness({ clock, cluster, engine: { executor }, transport });
      const harness = h;
      await harness.container.resolve(ConfigMapService).create(
        NS,
        aConfigMap({
          datas: {
            'item-one': { type: 'file', content: b64('one') },
            'item-two': { type: 'file', content: b64('two') },
          },
        }),
      );
      await harness.container
        .resolve(SecretService)
        .create(NS, aSecret({ datas: { 'secret-subkey': { content: b64('s3cret') } } }));

      // Create: BRIDGE with ports and an HTTP check, HOST with a TCP check, USER with a COMMAND check.
      await harness.apps.create(NS, richApp('web', 'BRIDGE', { healthChecks: CHECKS.http }));
      const hostPorts = [
        { containerPort: 31080, name: 'http', protocol: 'HTTP' },
        { containerPort: 31090, name: 'admin', protocol: 'TCP' },
      ];
      await harness.apps.create(NS, richApp('host', 'HOST', { healthChecks: CHECKS.tcp, ports: hostPorts }));
      await harness.apps.create(NS, richApp('user', 'USER', { healthChecks: CHECKS.command }));
      await harness.advance(3000);
      // Scale, rolling update, resource-only update (MESSAGE to the executors), delete.
      await harness.apps.scale(NS, 'web', 3);
      await harness.advance(3000);
      await harness.apps.update(
        NS,
        richApp('web', 'BRIDGE', { healthChecks: CHECKS.http, image: 'nginx:2' }),
      );
      await harness.advance(30_000);
      const resized = {
        resources: { limits: { cpu: '1', memory: '200' } },
        healthChecks: CHECKS.tcp,
        ports: hostPorts,
      };
      await harness.apps.update(NS, richApp('host', 'HOST', resized), { resourceOnly: true });
      await harness.advance(3000);
      await harness.apps.delete(NS, 'user', true);
      await harness.advance(10_000);
      // An agent lost (updates without uuid, relaunch), then a scheduler restart: re-SUBSCRIBE with the id and
      // reconciliation.
      cluster.loseAgent(cluster.agents()[0]!.id);
      await harness.advance(5000);
      h = await harness.restart();
      await h.advance(20_000);

      expect(cluster.subscribes).toHaveLength(2);
      for (const type of ['ACCEPT', 'ACKNOWLEDGE', 'RECONCILE', 'MESSAGE'])
        expect(cluster.callTypes).toContain(type);
      // A kill is a KILL per task with the DEFAULT executor, a SHUTDOWN of the executor with the BCS one.
      expect(cluster.callTypes).toContain(executor.kind === 'bcs' ? 'SHUTDOWN' : 'KILL');
      for (const app of ['web', 'host'])
        expect(h.apps.get(NS, app).taskGroups.every((tg) => tg.status === 'Running')).toBe(true);
      // Beyond the schema: a port mapping's protocol is one Mesos maps (mesos.proto: "tcp, udp"), not the
      // application protocol (HTTP) of the definition. The BCS executor sets the network up itself: its
      // launches carry no container, so no port mappings.
      const protocols = new Set(
        cluster.calls.flatMap((call) =>
          call.type === 'ACCEPT'
            ? call.accept.operations.flatMap((op) =>
                (op.launch_group.executor.container?.network_infos ?? []).flatMap((network) =>
                  (network.port_mappings ?? []).map((mapping) => mapping.protocol),
                ),
              )
            : [],
        ),
      );
      expect([...protocols].sort()).toEqual(executor.kind === 'bcs' ? [] : ['tcp', 'udp']);
      const executorTypes = new Set(
        cluster.calls.flatMap((call) =>
          call.type === 'ACCEPT' ? call.accept.operations.map((op) => op.launch_group.executor.type) : [],
        ),
      );
      expect([...executorTypes]).toEqual([executor.kind === 'bcs' ? 'CUSTOM' : 'DEFAULT']);
      expect(cluster.problems).toEqual([]);
    });
  },
);
