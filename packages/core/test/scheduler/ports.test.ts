import { describe, expect, it } from 'vitest';
import type { MesosRange } from '../../src/ports/mesos-driver.js';
import type { PortMapping } from '../../src/resources/taskgroup.js';
import type { PortSpec, Version } from '../../src/resources/version.js';
import { type NetworkKind, networkOf, planHostPorts } from '../../src/scheduler/ports.js';
import { aContainer, aPort, aVersion } from './helpers.js';

const free: MesosRange[] = [{ begin: 31000, end: 31002 }];
const single = (networkMode: string, ...ports: PortSpec[]): Version =>
  aVersion({ networkMode, containers: [aContainer({ ports })] });
const m = (name: string, containerPort: number, hostPort: number): PortMapping => ({
  name,
  containerPort,
  hostPort,
  protocol: 'tcp',
});

describe('networkOf', () => {
  it.each<[string, NetworkKind]>([
    ['host', 'HOST'],
    ['BRIDGE', 'BRIDGE'],
    ['', 'NONE'],
    ['USER', 'USER'],
    ['overlay-1', 'USER'],
  ])('%j → %s', (networkMode, expected) => {
    expect(networkOf({ kind: 'application', networkMode })).toBe(expected);
  });

  it('puts processes on the host network', () => {
    expect(networkOf({ kind: 'process', networkMode: 'BRIDGE' })).toBe('HOST');
  });
});

describe('planHostPorts (free 31000–31002)', () => {
  it.each<[string, Version, PortMapping[][], number[]]>([
    [
      'BRIDGE random and fixed: the fixed port is set aside first',
      single('BRIDGE', aPort('http', 80, 0), aPort('admin', 8080, 31000)),
      [[m('http', 80, 31001), m('admin', 8080, 31000)]],
      [31000, 31001],
    ],
    [
      'HOST containerPort 0: one port for both',
      single('HOST', aPort('p', 0, 0)),
      [[m('p', 31000, 31000)]],
      [31000],
    ],
    [
      'HOST fixed: host port = container port',
      single('HOST', aPort('p', 31002, 0)),
      [[m('p', 31002, 31002)]],
      [31002],
    ],
    ['HOST negative container port: left out', single('HOST', aPort('p', -1, 0)), [[]], []],
    ['BRIDGE negative host port: none', single('BRIDGE', aPort('p', 80, -1)), [[m('p', 80, 0)]], []],
    ['USER: no host ports', single('USER', aPort('p', 80, 8080)), [[m('p', 80, 0)]], []],
    ['NONE: no host ports', single('', aPort('p', 80, 0)), [[m('p', 80, 0)]], []],
    [
      'process: hostPort ≤ 0 random, container port = host port',
      aVersion({
        kind: 'process',
        containers: [aContainer({ ports: [aPort('p', 9, 0), aPort('q', 9, 31002)] })],
      }),
      [[m('p', 31000, 31000), m('q', 31002, 31002)]],
      [31002, 31000],
    ],
    [
      'several containers draw from one pool',
      aVersion({
        containers: [aContainer({ ports: [aPort('a', 80, 0)] }), aContainer({ ports: [aPort('b', 81, 0)] })],
      }),
      [[m('a', 80, 31000)], [m('b', 81, 31001)]],
      [31000, 31001],
    ],
  ])('%s', (_, version, mappings, hostPorts) => {
    expect(planHostPorts(version, free)).toEqual({ mappings, hostPorts });
  });

  it.each<[string, Version, string]>([
    ['HOST port not offered', single('HOST', aPort('p', 80, 0)), 'host port 80 not offered'],
    [
      'fixed port twice',
      single('BRIDGE', aPort('a', 80, 31000), aPort('b', 81, 31000)),
      'host port 31000 requested twice',
    ],
    [
      'four random ports',
      single('BRIDGE', ...[0, 1, 2, 3].map((i) => aPort(`p${i}`, 80 + i, 0))),
      '4 random ports needed',
    ],
    [
      'three random plus a fixed one in the same range',
      single('BRIDGE', aPort('f', 80, 31001), ...[0, 1, 2].map((i) => aPort(`p${i}`, 90 + i, 0))),
      '3 random ports needed',
    ],
  ])('%s → shortage', (_, version, detail) => {
    expect(planHostPorts(version, free)).toEqual({ reason: 'ports', detail });
  });
});
