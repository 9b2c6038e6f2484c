import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContainerSpec, Version } from '../../src/resources/version.js';
import { capturedAttributes } from '../../src/scheduler/captured-attributes.js';
import type { SchedulingContext } from '../../src/scheduler/context.js';
import { noFitMessage } from '../../src/scheduler/context.js';
import { needsContainerIp } from '../../src/scheduler/feasibility/ip-resources.js';
import { inRanges, type PooledOffer, remaining } from '../../src/scheduler/offer.js';
import { planPlacements } from '../../src/scheduler/placement.js';
import { isPortShortage, planHostPorts } from '../../src/scheduler/ports.js';
import { tieBreakOf } from '../../src/scheduler/rank.js';
import { demandOf } from '../../src/scheduler/resources.js';
import { compileStack, runStages } from '../../src/scheduler/stack.js';
import type { PlacementRequest } from '../../src/scheduler/types.js';
import type { Constraint } from '../../src/validation/constraint.js';
import { aContainer, aContext, anOffer, aPort, aVersion, constraintOf } from './helpers.js';

// Style 31: a fit never over-commits an offer. Random offers and requests, then the invariants of the plan.

const portRanges = fc
  .uniqueArray(fc.integer({ min: 31000, max: 31040 }), { minLength: 0, maxLength: 6 })
  .map((points) => {
    const sorted = [...points].sort((a, b) => a - b);
    const ranges: [number, number][] = [];
    for (let i = 0; i + 1 < sorted.length; i += 2)
      ranges.push([sorted[i] as number, sorted[i + 1] as number]);
    return ranges;
  });

const offerSpec = fc.record({
  cpus: fc.integer({ min: 0, max: 80 }).map((n) => n / 10),
  mem: fc.integer({ min: 0, max: 2048 }),
  disk: fc.integer({ min: 0, max: 1024 }),
  ports: portRanges,
  city: fc.constantFrom('sz', 'sh'),
  ips: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  disabled: fc.boolean(),
});

const container = fc
  .record({
    cpus: fc.constantFrom(0, 0.1, 0.25, 0.5, 1, 2),
    mem: fc.constantFrom(0, 32, 128, 512),
    disk: fc.constantFrom(0, 64, 256),
    hostPorts: fc.array(fc.oneof(fc.constant(0), fc.constant(-1), fc.integer({ min: 30995, max: 31045 })), {
      maxLength: 3,
    }),
  })
  .map(
    ({ cpus, mem, disk, hostPorts }): ContainerSpec =>
      aContainer({
        resources: { cpus, mem, disk },
        ports: hostPorts.map((hostPort, i) => aPort(`p${i}`, hostPort > 0 ? hostPort : 8000 + i, hostPort)),
      }),
  );

const constraint = fc.constantFrom<Constraint | undefined>(
  undefined,
  constraintOf({ name: 'hostname', operate: 'UNIQUE' }),
  constraintOf({ name: 'City', operate: 'GROUPBY', type: 4, set: { item: ['sz', 'sh'] } }),
  constraintOf({ name: 'hostname', operate: 'MAXPER', type: 3, text: { value: '2' } }),
);

const version = fc
  .record({
    id: fc.constantFrom('a', 'b', 'c'),
    networkMode: fc.constantFrom('BRIDGE', 'HOST', 'USER', ''),
    containers: fc.array(container, { minLength: 1, maxLength: 3 }),
    constraint,
    // Requested IPs for some instance indexes, some restricted to one host (§3.4).
    requestIps: fc.option(
      fc.dictionary(fc.nat({ max: 19 }).map(String), fc.option(fc.nat({ max: 8 }), { nil: undefined })),
      { nil: undefined },
    ),
  })
  .map(({ id, networkMode, containers, constraint, requestIps }) =>
    aVersion({
      id,
      appId: `app-${id}`,
      networkMode,
      containers,
      ...(constraint === undefined ? {} : { constraint }),
      labels: Object.fromEntries(
        Object.entries(requestIps ?? {}).map(([index, host]) => [
          `io.tencent.bcs.netsvc.requestip.${index}`,
          host === undefined ? `10.9.0.${index}` : `10.9.0.${index}|hostname=node-${host}`,
        ]),
      ),
    }),
  );

const scenario = fc.record({
  offers: fc.array(offerSpec, { minLength: 0, maxLength: 8 }),
  versions: fc.array(version, { minLength: 1, maxLength: 3 }),
  picks: fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
  seed: fc.option(fc.integer(), { nil: undefined }),
  // Some requests are pinned to a host until t=10 (now is 5), some were pinned until t=1.
  retain: fc.array(
    fc.option(fc.record({ host: fc.nat({ max: 8 }), until: fc.constantFrom(1, 10) }), { nil: undefined }),
    {
      maxLength: 20,
    },
  ),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function build({ offers: specs, versions, picks, retain }: Scenario) {
  const offers = specs.map((spec, i) =>
    anOffer({
      hostname: `node-${i}`,
      cpus: spec.cpus,
      mem: spec.mem,
      disk: spec.disk,
      ports: spec.ports,
      attributes: { City: spec.city, ...(spec.ips === undefined ? {} : { 'ip-resources': spec.ips }) },
      setting: { disabled: spec.disabled },
    }),
  );
  const requests: PlacementRequest[] = picks.map((pick, index) => {
    const v = versions[pick % versions.length] as Version;
    const pin = retain[index];
    return {
      appId: v.appId,
      namespace: v.namespace,
      index,
      version: v,
      ...(pin === undefined ? {} : { retainHost: `node-${pin.host}`, retainHostUntil: pin.until }),
    };
  });
  return { offers, requests };
}

// The obvious algorithm the planner must agree with: every offer, every stage, best (score, tie) wins.
function referencePlan(
  requests: readonly PlacementRequest[],
  initial: readonly PooledOffer[],
  ctx: SchedulingContext,
) {
  const offers = [...initial];
  const ties = offers.map((offer, i) => tieBreakOf(ctx.seed, offer.id, i));
  const placed: unknown[] = [];
  const unplaced: string[] = [];
  for (const request of requests) {
    const stages = compileStack(request.version).stages;
    let best = -1;
    offers.forEach((offer, i) => {
      if (runStages(stages, offer, ctx, request) !== true) return;
      const score = ctx.ranker.score(offer);
      const top = offers[best];
      if (top === undefined) best = i;
      else {
        const topScore = ctx.ranker.score(top);
        if (score > topScore || (score === topScore && (ties[i] as number) < (ties[best] as number)))
          best = i;
      }
    });
    const offer = offers[best];
    if (offer === undefined) {
      ctx.clearRejections();
      for (const o of offers) {
        const verdict = runStages(stages, o, ctx, request);
        if (verdict !== true) ctx.note(verdict.reason, o.agentId);
      }
      unplaced.push(noFitMessage(ctx));
      continue;
    }
    const plan = planHostPorts(request.version, offer.ports);
    if (isPortShortage(plan)) throw new Error('reference: ports');
    const resources = demandOf(request.version, ctx.overhead);
    offers[best] = remaining(offer, {
      resources,
      hostPorts: plan.hostPorts,
      ips: needsContainerIp(request.version) ? 1 : 0,
    });
    const placement = {
      request,
      offerId: offer.id,
      agentId: offer.agentId,
      hostname: offer.hostname,
      resources,
      portMappings: plan.mappings,
      attributes: capturedAttributes(offer, request.version),
      role: offer.role,
    };
    ctx.record(placement);
    placed.push([request.index, offer.id, plan.mappings]);
  }
  return { placed, unplaced };
}

describe('planPlacements (property)', () => {
  it('never over-commits an offer and never repeats a host port on an agent', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { offers, requests } = build(s);
        const plan = planPlacements(
          requests,
          offers,
          aContext([], { now: 5, ...(s.seed === undefined ? {} : { seed: s.seed }) }),
        );

        expect(plan.placements.length + plan.unplaced.length).toBe(requests.length);
        for (const { reason } of plan.unplaced) expect(reason).toMatch(/^no agent fits: /);

        for (const offer of offers) {
          const here = plan.placements.filter((p) => p.offerId === offer.id);
          const sum = (key: 'cpus' | 'mem' | 'disk') => here.reduce((s, p) => s + p.resources[key], 0);
          expect(sum('cpus')).toBeLessThanOrEqual(offer.cpus + 1e-6);
          expect(sum('mem')).toBeLessThanOrEqual(offer.mem + 1e-6);
          expect(sum('disk')).toBeLessThanOrEqual(offer.disk + 1e-6);
          if (here.length > 0) expect(offer.disabled).toBe(false);

          const hostPorts = here
            .flatMap((p) => p.portMappings.flat().map((m) => m.hostPort))
            .filter((p) => p > 0);
          expect(new Set(hostPorts).size).toBe(hostPorts.length);
          for (const port of hostPorts) expect(inRanges(offer.ports, port)).toBe(true);

          const users = here.filter((p) => p.request.version.networkMode === 'USER').length;
          if (offer.ipResources !== undefined) expect(users).toBeLessThanOrEqual(offer.ipResources);

          const uniqueByHost = here.filter(
            (p) => p.request.version.constraint?.intersectionItem?.[0]?.unionData?.[0]?.operate === 'UNIQUE',
          );
          const apps = uniqueByHost.map((p) => p.request.appId);
          expect(new Set(apps).size).toBe(apps.length);
        }
        for (const p of plan.placements) expect(p.resources).toEqual(demandOf(p.request.version));
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the obvious full-scan algorithm (heaps, pools, dropped offers and memos change nothing)', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { offers, requests } = build(s);
        const options = { now: 5, ...(s.seed === undefined ? {} : { seed: s.seed }) };
        const plan = planPlacements(requests, offers, aContext([], options));
        expect({
          placed: plan.placements.map((p) => [p.request.index, p.offerId, p.portMappings]),
          unplaced: plan.unplaced.map((u) => u.reason),
        }).toEqual(referencePlan(requests, offers, aContext([], options)));
      }),
      { numRuns: 300 },
    );
  });
});
