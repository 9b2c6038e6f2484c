import { describe, expect, it } from 'vitest';
import type { MesosOffer, MesosRange } from '../../src/ports/mesos-driver.js';
import {
  inRanges,
  normaliseRanges,
  rangeSize,
  remaining,
  removePorts,
  roundMilli,
  toPooledOffer,
} from '../../src/scheduler/offer.js';
import { aMesosOffer, anOffer } from './helpers.js';

const r = (begin: number, end: number): MesosRange => ({ begin, end });

describe('toPooledOffer', () => {
  it('merges the agent setting (§3.1 step 5)', () => {
    const offer = toPooledOffer(aMesosOffer({ hostname: 'h', innerIp: '127.0.0.1', cpus: 4, mem: 30878 }), {
      innerIP: '127.0.0.1',
      disabled: false,
      strings: { City: { value: 'sz' } },
      scalars: { score: { value: 8 } },
      noSchedule: { k: 'v' },
    });
    expect(offer).toMatchObject({
      hostname: 'h',
      innerIp: '127.0.0.1',
      cpus: 4,
      mem: 30878,
      ports: [r(31000, 31009)],
      taints: [{ key: 'k', value: 'v' }],
      disabled: false,
      role: '*',
      totalCpus: 4,
      totalMem: 30878,
    });
    expect(Object.fromEntries(offer.attributes)).toEqual({
      InnerIP: { type: 'TEXT', text: '127.0.0.1' },
      City: { type: 'TEXT', text: 'sz' },
      score: { type: 'SCALAR', scalar: 8 },
      hostname: { type: 'TEXT', text: 'h' },
    });
  });

  it('lets the setting replace an agent attribute, and hostname shadow one', () => {
    const offer = anOffer({
      hostname: 'real',
      attributes: { City: 'sh', hostname: 'fake' },
      setting: { strings: { City: { value: 'sz' } }, disabled: true },
    });
    expect(offer.attributes.get('City')).toEqual({ type: 'TEXT', text: 'sz' });
    expect(offer.attributes.get('hostname')).toEqual({ type: 'TEXT', text: 'real' });
    expect(offer.disabled).toBe(true);
  });

  it('reads enum numbers (the API document offer) and ip-resources', () => {
    const raw = {
      ...aMesosOffer(),
      resources: [
        { name: 'cpus', type: 0, scalar: { value: 2 }, role: '*' },
        { name: 'ports', type: 1, ranges: { range: [r(5, 9), r(1, 3)] }, role: '*' },
      ],
      attributes: [
        { name: 'InnerIP', type: 3, text: { value: '10.0.0.1' } },
        { name: 'ip-resources', type: 0, scalar: { value: 3 } },
      ],
    } as unknown as MesosOffer;
    const offer = toPooledOffer(raw, undefined);
    expect(offer).toMatchObject({ cpus: 2, mem: 0, innerIp: '10.0.0.1', ipResources: 3 });
    expect(offer.ports).toEqual([r(1, 3), r(5, 9)]);
  });

  it('sums the resources of the first cpus role only', () => {
    const raw: MesosOffer = {
      ...aMesosOffer(),
      resources: [
        { name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, role: 'bcs' },
        { name: 'cpus', type: 'SCALAR', scalar: { value: 2 }, role: '*' },
        { name: 'cpus', type: 'SCALAR', scalar: { value: 0.5 }, role: 'bcs' },
        { name: 'mem', type: 'SCALAR', scalar: { value: 64 }, role: 'bcs' },
      ],
    };
    expect(toPooledOffer(raw, undefined)).toMatchObject({ role: 'bcs', cpus: 1.5, mem: 64 });
  });

  it('uses agent totals for spread when given', () => {
    expect(toPooledOffer(aMesosOffer({ cpus: 2 }), undefined, { cpus: 8, mem: 100 })).toMatchObject({
      cpus: 2,
      totalCpus: 8,
      totalMem: 100,
    });
  });
});

describe('remaining', () => {
  it('takes amounts, ports and container IPs', () => {
    const offer = anOffer({ cpus: 4, ports: [[31000, 31010]], attributes: { 'ip-resources': 2 } });
    const left = remaining(offer, {
      resources: { cpus: 1.5, mem: 100, disk: 64 },
      hostPorts: [31000, 31005],
      ips: 1,
    });
    expect(left).toMatchObject({ id: offer.id, cpus: 2.5, mem: 3996, disk: 9936, ipResources: 1 });
    expect(left.ports).toEqual([r(31001, 31004), r(31006, 31010)]);
    expect(left.attributes).toBe(offer.attributes);
  });
});

describe('range helpers', () => {
  it.each<[MesosRange[], MesosRange[]]>([
    [[r(5, 9), r(1, 3), r(4, 4)], [r(1, 9)]],
    [[r(10, 12), r(11, 20)], [r(10, 20)]],
    [[r(3, 1)], []],
  ])('normaliseRanges(%j) → %j', (ranges, expected) => {
    expect(normaliseRanges(ranges)).toEqual(expected);
  });

  it.each<[MesosRange[], number[], MesosRange[]]>([
    [[r(1, 10)], [1, 5, 10], [r(2, 4), r(6, 9)]],
    [[r(1, 3)], [7], [r(1, 3)]],
    [
      [r(1, 3), r(5, 6)],
      [5, 6, 2],
      [r(1, 1), r(3, 3)],
    ],
  ])('removePorts(%j, %j) → %j', (ranges, ports, expected) => {
    expect(removePorts(ranges, ports)).toEqual(expected);
  });

  it.each<[MesosRange[], number, boolean]>([
    [[r(31000, 31010)], 31005, true],
    [[r(31000, 31010)], 80, false],
  ])('inRanges(%j, %d) → %s', (ranges, port, expected) => {
    expect(inRanges(ranges, port)).toBe(expected);
  });

  it('sizes ranges and rounds to Mesos precision', () => {
    expect(rangeSize([r(1, 3), r(10, 10)])).toBe(4);
    expect(roundMilli(0.1 + 0.2)).toBe(0.3);
  });
});
