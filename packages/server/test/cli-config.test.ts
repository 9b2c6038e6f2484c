import { describe, expect, it } from 'vitest';
import { parseCliConfig, usage } from '../src/cli-config.js';

describe('parseCliConfig', () => {
  it('uses the documented defaults', () => {
    expect(parseCliConfig([], {})).toEqual({
      host: '127.0.0.1',
      port: 8899,
      dataDir: './data',
      clusterId: 'BCS-LOCAL-00001',
      simAgents: 3,
      logLevel: 'info',
      events: { maxEvents: 100_000, maxAgeMs: 86_400_000 },
      eventBufferBytes: 1_048_576,
      eventStallSeconds: 10,
      allowedHosts: [],
      allowedOrigins: [],
      maxInstances: 10_000,
      help: false,
    });
  });

  it.each([
    [['--host', '0.0.0.0'], {}, { host: '0.0.0.0' }],
    [['--port', '9000'], {}, { port: 9000 }],
    [['--port', '0'], {}, { port: 0 }],
    [['--data-dir', '/var/lib/bcs'], {}, { dataDir: '/var/lib/bcs' }],
    [['--cluster-id', 'BCS-MESOS-10001'], {}, { clusterId: 'BCS-MESOS-10001' }],
    [['--sim-agents', '3'], {}, { simAgents: 3 }],
    [['--', '--port', '9001'], {}, { port: 9001 }],
    [[], { BCS_PORT: '7000', BCS_HOST: '::1' }, { port: 7000, host: '::1' }],
    [
      [],
      { BCS_DATA_DIR: 'd', BCS_CLUSTER_ID: 'C', BCS_SIM_AGENTS: '5' },
      { dataDir: 'd', clusterId: 'C', simAgents: 5 },
    ],
    [['--port', '9002'], { BCS_PORT: '7000' }, { port: 9002 }],
    [['--log-level', 'silent'], {}, { logLevel: 'silent' }],
    [['--help'], {}, { help: true }],
    [['--event-retention', '500'], {}, { events: { maxEvents: 500, maxAgeMs: 86_400_000 } }],
    [[], { BCS_EVENT_MAX_AGE: '60' }, { events: { maxEvents: 100_000, maxAgeMs: 60_000 } }],
    [['--event-stall', '0'], {}, { eventStallSeconds: 0 }],
    [
      ['--allowed-hosts', 'sched.example, ops.example'],
      {},
      { allowedHosts: ['sched.example', 'ops.example'] },
    ],
    [[], { BCS_ALLOWED_HOSTS: 'sched.example' }, { allowedHosts: ['sched.example'] }],
    [
      ['--allowed-origins', 'https://Console.example,http://a.example:80'],
      {},
      { allowedOrigins: ['https://console.example', 'http://a.example'] },
    ],
    [[], { BCS_ALLOWED_ORIGINS: '*' }, { allowedOrigins: ['*'] }],
    [['--max-instances', '50000'], {}, { maxInstances: 50_000 }],
    [[], { BCS_MAX_INSTANCES: '1000000' }, { maxInstances: 1_000_000 }],
  ] as const)('%j with env %j gives %j', (argv, env, expected) => {
    expect(parseCliConfig(argv, env)).toMatchObject(expected);
  });

  it.each([
    [['--port', '65536'], {}, '--port'],
    [['--port', 'http'], {}, '--port'],
    [['--port', '-1'], {}, '--port'],
    [[], { BCS_PORT: '1.5' }, '--port'],
    [['--sim-agents', 'many'], {}, '--sim-agents'],
    [['--cluster-id', ' '], {}, '--cluster-id'],
    [['--log-level', 'loud'], {}, '--log-level'],
    [['--frobnicate'], {}, 'frobnicate'],
    [['positional'], {}, 'positional'],
    [['--event-retention', '0'], {}, '--event-retention'],
    [['--event-max-age', '1h'], {}, '--event-max-age'],
    [['--event-buffer', '10'], {}, '--event-buffer'],
    [['--event-stall', 'soon'], {}, '--event-stall'],
    [['--allowed-origins', 'console.example'], {}, '--allowed-origins'],
    [['--allowed-origins', 'https://console.example/app'], {}, '--allowed-origins'],
    [[], { BCS_ALLOWED_ORIGINS: 'ftp://x.example' }, '--allowed-origins'],
    [['--max-instances', '0'], {}, '--max-instances'],
    [['--max-instances', '1000001'], {}, '--max-instances'],
    [[], { BCS_MAX_INSTANCES: '1e9' }, '--max-instances'],
  ] as const)('refuses %j (env %j), naming %s', (argv, env, flag) => {
    expect(() => parseCliConfig(argv, env)).toThrow(flag);
  });

  it('lists every flag with its environment variable in the usage text', () => {
    for (const text of [
      '--host',
      'BCS_HOST',
      '--port',
      'BCS_PORT',
      '--data-dir',
      '--cluster-id',
      '--sim-agents',
      '--max-instances',
      'BCS_MAX_INSTANCES',
      '--event-retention',
      'BCS_EVENT_MAX_AGE',
    ]) {
      expect(usage()).toContain(text);
    }
  });
});
