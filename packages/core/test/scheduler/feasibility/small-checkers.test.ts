import { describe, expect, it } from 'vitest';
import type { Version } from '../../../src/resources/version.js';
import { disabledChecker } from '../../../src/scheduler/feasibility/disabled.js';
import { hostPortsChecker } from '../../../src/scheduler/feasibility/host-ports.js';
import { ipResourcesChecker, needsContainerIp } from '../../../src/scheduler/feasibility/ip-resources.js';
import { resourcesChecker } from '../../../src/scheduler/feasibility/resources.js';
import { retainHostChecker } from '../../../src/scheduler/feasibility/retain-host.js';
import type { PlacementRequest } from '../../../src/scheduler/types.js';
import { aContainer, aContext, anOffer, aPort, aRequest, aVersion } from '../helpers.js';

const reasonOf = (verdict: true | { reason: string }) => (verdict === true ? true : verdict.reason);

describe('disabled', () => {
  it.each<[boolean, true | string]>([
    [false, true],
    [true, 'disabled'],
  ])('disabled %s → %s', (disabled, expected) => {
    const offer = anOffer({ setting: { disabled } });
    expect(reasonOf(disabledChecker.check(offer, aContext(), aRequest(aVersion())))).toBe(expected);
  });
});

describe('resources (one container 1 cpu / 128 MB; demand 1.01 / 192 / 64)', () => {
  it.each<[number, number, number, true | string]>([
    [2, 1024, 1024, true],
    [1.01, 192, 64, true],
    [1, 1024, 1024, 'cpus'],
    [2, 191, 1024, 'mem'],
    [2, 1024, 63, 'disk'],
  ])('offer %d / %d / %d → %s', (cpus, mem, disk, expected) => {
    const offer = anOffer({ cpus, mem, disk });
    expect(reasonOf(resourcesChecker.check(offer, aContext(), aRequest(aVersion())))).toBe(expected);
  });
});

describe('ip-resources', () => {
  it.each<[string, boolean]>([
    ['USER', true],
    ['overlay-1', true],
    ['BRIDGE', false],
    ['HOST', false],
  ])('network %s needs a container IP: %s', (networkMode, expected) => {
    expect(needsContainerIp(aVersion({ networkMode }))).toBe(expected);
  });

  it.each<[string, number | undefined, true | string]>([
    ['USER', 2, true],
    ['USER', 1, true],
    ['USER', 0, 'ip-resources'],
    ['USER', undefined, true],
    ['BRIDGE', 0, true],
  ])('%s with ip-resources %s → %s', (networkMode, ips, expected) => {
    const offer = anOffer(ips === undefined ? {} : { attributes: { 'ip-resources': ips } });
    const request = aRequest(aVersion({ networkMode }));
    expect(reasonOf(ipResourcesChecker.check(offer, aContext(), request))).toBe(expected);
  });
});

describe('retain-host (node-1 until 1000)', () => {
  const retained: Partial<PlacementRequest> = { retainHost: 'node-1', retainHostUntil: 1000 };
  it.each<[number, string, Partial<PlacementRequest>, true | string]>([
    [999, 'node-1', retained, true],
    [999, 'node-2', retained, 'retain-host'],
    [1000, 'node-2', retained, true],
    [0, 'node-2', {}, true],
  ])('now %d on %s → %s', (now, hostname, overrides, expected) => {
    const verdict = retainHostChecker.check(
      anOffer({ hostname }),
      aContext([], { now }),
      aRequest(aVersion(), 0, overrides),
    );
    expect(reasonOf(verdict)).toBe(expected);
  });
});

describe('host ports (offer 31000–31001)', () => {
  const withPorts = (networkMode: string, ...hostPorts: number[]): Version =>
    aVersion({
      networkMode,
      containers: [aContainer({ ports: hostPorts.map((hostPort, i) => aPort(`p${i}`, 80 + i, hostPort)) })],
    });
  it.each<[string, Version, true | string]>([
    ['two random', withPorts('BRIDGE', 0, 0), true],
    ['three random', withPorts('BRIDGE', 0, 0, 0), 'ports'],
    ['fixed 31001', withPorts('BRIDGE', 31001), true],
    ['fixed 80, not offered', withPorts('BRIDGE', 80), 'ports'],
    ['USER publishes nothing', withPorts('USER', 80, 0, 0), true],
  ])('%s → %s', (_, version, expected) => {
    const offer = anOffer({ ports: [[31000, 31001]] });
    expect(reasonOf(hostPortsChecker.check(offer, aContext(), aRequest(version)))).toBe(expected);
  });
});
