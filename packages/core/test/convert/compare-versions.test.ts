import { aContainer, anApplication } from '@bcs/testing/builders';
import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  firstNonResourceDifference,
  type VersionChange,
} from '../../src/convert/compare-versions.js';
import { toVersion } from '../../src/convert/definition-to-version.js';
import type { Version } from '../../src/resources/version.js';
import { parseApplication } from '../../src/validation/application.js';

type Body = ReturnType<typeof anApplication>;
let nextId = 1;

function versionOf(body: Body): Version {
  const id = String(nextId++);
  return toVersion(parseApplication(body, 'defaultGroup'), { id, now: nextId, raw: body });
}

const withContainer = (overrides: Parameters<typeof aContainer>[0]) =>
  anApplication({ spec: { template: { spec: { containers: [aContainer(overrides)] } } } });
const limits = (cpu: string, memory: string) => ({ limits: { cpu, memory } });
/** The same body with its keys in reverse order at every level. */
function reversed<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversed) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversed(v)]),
  ) as T;
}

// The worked examples of compareVersions' and firstNonResourceDifference's doc comments.
describe('compareVersions', () => {
  it.each<[string, Body, Body, VersionChange]>([
    ['the same body sent twice', anApplication(), anApplication(), 'identical'],
    ['the same body, keys in another order', anApplication(), reversed(anApplication()), 'identical'],
    [
      'limits cpu "2" → "4"',
      withContainer({ resources: limits('2', '100') }),
      withContainer({ resources: limits('4', '100') }),
      'resources-only',
    ],
    ['a new image', anApplication(), withContainer({ image: 'gamesvr:v2' }), 'new-version'],
    [
      'a label added',
      anApplication(),
      anApplication({ metadata: { labels: { extra: 'yes' } } } as never),
      'new-version',
    ],
  ])('%s → %s', (_title, from, to, expected) => {
    expect(compareVersions(versionOf(from), versionOf(to))).toBe(expected);
  });
});

describe('firstNonResourceDifference', () => {
  it.each<[string, Body, Body, string | undefined]>([
    ['image changed', anApplication(), withContainer({ image: 'gamesvr:v2' }), 'containers'],
    [
      'cpu "2" → "4"',
      withContainer({ resources: limits('2', '100') }),
      withContainer({ resources: limits('4', '100') }),
      undefined,
    ],
    ['nothing changed', anApplication(), anApplication(), undefined],
  ])('%s → %s', (_title, from, to, expected) => {
    expect(firstNonResourceDifference(versionOf(from), versionOf(to))).toBe(expected);
  });
});
