import type { CapturedAttributes } from '../resources/taskgroup.js';
import type { Version } from '../resources/version.js';
import { INNER_IP_ATTRIBUTE, type PooledOffer } from './offer.js';

const CAPTURED = new WeakMap<Version, readonly string[]>();

/**
 * The attributes a placement stores (§3.4 "On placement"): every attribute a constraint element of the version
 * names (EXCLUDE and TOLERATION name none), plus `hostname` and `InnerIP`, so UNIQUE/MAXPER/GROUPBY on those
 * keep working after the constraint changes. TEXT values are stored as strings, SCALAR as numbers; others
 * are left out.
 *
 * Example: constraint UNIQUE(City) on an offer with City sz, InnerIP 10.0.0.1, host node-1 →
 * {City: 'sz', hostname: 'node-1', InnerIP: '10.0.0.1'}.
 */
export function capturedAttributes(offer: PooledOffer, version: Version): CapturedAttributes {
  let names = CAPTURED.get(version);
  if (names === undefined) {
    const set = new Set<string>();
    for (const item of version.constraint?.intersectionItem ?? []) {
      for (const element of item.unionData ?? []) {
        if (element.operate !== 'EXCLUDE' && element.operate !== 'TOLERATION') set.add(element.name);
      }
    }
    set.add('hostname');
    set.add(INNER_IP_ATTRIBUTE);
    names = [...set];
    CAPTURED.set(version, names);
  }
  const captured: Record<string, string | number> = {};
  for (const name of names) {
    const value = offer.attributes.get(name);
    if (value?.type === 'TEXT') captured[name] = value.text;
    else if (value?.type === 'SCALAR') captured[name] = value.scalar;
  }
  return captured;
}
