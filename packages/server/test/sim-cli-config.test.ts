import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSimFlags } from '../src/sim-cli-config.js';

describe('bcs-mesos-sim flags', () => {
  it('defaults: 3 agents, port 5050, one master, ./.bcs-mesos-sim, seed 1, 15 s heartbeats, loopback', () => {
    expect(parseSimFlags([])).toEqual({
      help: false,
      agents: 3,
      port: 5050,
      masters: 1,
      dataDir: resolve('.bcs-mesos-sim'),
      seed: 1,
      heartbeatSeconds: 15,
      host: '127.0.0.1',
      logLevel: 'info',
      recordCalls: true,
    });
  });

  it.each([
    [['--no-record-calls'], false],
    [['--record-calls', 'false'], false],
    [['--record-calls=true'], true],
    [['--no-record-calls', '--agents', '2'], false],
  ])('%j records calls: %s', (args, recordCalls) => {
    expect(parseSimFlags(args).recordCalls).toBe(recordCalls);
  });

  it('reads --name value and --name=value, and ignores a leading --', () => {
    const config = parseSimFlags([
      '--',
      '--agents',
      '10',
      '--port=0',
      '--masters',
      '3',
      '--heartbeat-seconds',
      '0.5',
    ]);
    expect(config).toMatchObject({ agents: 10, port: 0, masters: 3, heartbeatSeconds: 0.5 });
  });

  it.each([
    [['--agents', 'many']],
    [['--agents', '0']],
    [['--agents', '100001']],
    [['--masters', '2']],
    [['--masters', '4']],
    [['--port', '70000']],
    [['--port', '65534', '--masters', '3']],
    [['--heartbeat-seconds', '0']],
    [['--log-level', 'loud']],
    [['--data-dir', '']],
    [['--fast']],
    [['--agents']],
    [['stray']],
    [['--record-calls', 'no']],
    [['--record-calls']],
  ])('refuses %j', (args) => {
    expect(() => parseSimFlags(args)).toThrow(/--|argument/);
  });
});
