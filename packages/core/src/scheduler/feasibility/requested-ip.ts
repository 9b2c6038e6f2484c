import type { Version } from '../../resources/version.js';
import type { PlacementRequest } from '../types.js';
import { type FeasibilityChecker, rejectReason } from './checker.js';
import { matchesAny } from './match.js';

/**
 * Requested IPs (spec/bcs-behaviour.md §3.4). Labels or annotations `io.tencent.bcs.netsvc.requestip.<i>` =
 * `<ip>|<attr>=<p1>;<p2>` give instance `i` a fixed container IP, and optionally restrict its host: attribute
 * `attr` (`hostname`, or any TEXT attribute) must match one of the patterns (glob or regexp, `match.ts`).
 * Spaces are ignored. Sources, later ones winning per index: version annotations, version labels, the
 * request's labels.
 */

/** The key prefix of a requested-IP entry; the instance index follows it. */
export const REQUEST_IP_PREFIX = 'io.tencent.bcs.netsvc.requestip.';

/** One parsed entry: the IP, and the host filter when there is one. */
export interface RequestedIp {
  readonly ip: string;
  readonly attribute?: string;
  readonly patterns: readonly string[];
}

/**
 * Parses one entry's value.
 *
 * Examples: `10.0.0.5` → {ip 10.0.0.5, patterns []}; `10.0.0.5|hostname=node-1;node-2` → {ip, attribute
 * hostname, patterns [node-1, node-2]}; ` 10.0.0.5 | City = sz ` → {ip, attribute City, patterns [sz]};
 * `10.0.0.5|node-*` → {ip, attribute hostname, patterns [node-*]}.
 */
export function parseRequestedIp(value: string): RequestedIp {
  const text = value.replace(/\s+/g, '');
  const bar = text.indexOf('|');
  if (bar < 0) return { ip: text, patterns: [] };
  const filter = text.slice(bar + 1);
  const equals = filter.indexOf('=');
  const attribute = equals < 0 ? 'hostname' : filter.slice(0, equals);
  const patterns = (equals < 0 ? filter : filter.slice(equals + 1)).split(';').filter((p) => p !== '');
  return { ip: text.slice(0, bar), attribute, patterns };
}

const BY_VERSION = new WeakMap<Version, ReadonlyMap<number, RequestedIp>>();

function entriesOf(
  sources: readonly (Readonly<Record<string, string>> | undefined)[],
): Map<number, RequestedIp> {
  const entries = new Map<number, RequestedIp>();
  for (const source of sources) {
    for (const [key, value] of Object.entries(source ?? {})) {
      const at = key.indexOf(REQUEST_IP_PREFIX);
      if (at < 0) continue;
      const index = key.slice(at + REQUEST_IP_PREFIX.length).trim();
      if (/^[0-9]+$/.test(index)) entries.set(Number(index), parseRequestedIp(value));
    }
  }
  return entries;
}

function hasEntries(labels: Readonly<Record<string, string>> | undefined): boolean {
  if (labels === undefined) return false;
  for (const key in labels) if (key.includes(REQUEST_IP_PREFIX)) return true;
  return false;
}

/**
 * The requested-IP entries that apply to `request`, by instance index (empty when it has none). Memoised per
 * version unless the request's own labels carry entries.
 */
export function requestedIpsOf(request: PlacementRequest): ReadonlyMap<number, RequestedIp> {
  const { version } = request;
  if (hasEntries(request.labels)) return entriesOf([version.annotations, version.labels, request.labels]);
  let entries = BY_VERSION.get(version);
  if (entries === undefined) {
    entries = entriesOf([version.annotations, version.labels]);
    BY_VERSION.set(version, entries);
  }
  return entries;
}

/** Whether `request` carries requested-IP entries (its outcome then depends on its index). */
export function hasRequestedIps(request: PlacementRequest): boolean {
  return requestedIpsOf(request).size > 0;
}

const NO_ENTRY = rejectReason('requested-ip');

/**
 * The requested-IP check: without entries, every offer passes. With entries, the one for `request.index`
 * must exist (the original refused to scale past the entries), and its host filter must match the offer;
 * a missing or non-TEXT filter attribute rejects.
 *
 * Worked examples, entries {0: `10.0.0.5|hostname=node-1`, 1: `10.0.0.6`}:
 * - index 0 on node-1 → true; index 0 on node-2 → `requested-ip`;
 * - index 1 on node-2 → true; index 2 anywhere → `requested-ip`;
 * - entry `10.0.0.7|rack=r1*`: rack r12 → true; no rack attribute → `requested-ip`.
 */
export const requestedIpChecker: FeasibilityChecker = {
  name: 'requested-ip',
  static: false,
  check(offer, _ctx, request) {
    const entries = requestedIpsOf(request);
    if (entries.size === 0) return true;
    const entry = entries.get(request.index);
    if (entry === undefined) return NO_ENTRY;
    if (entry.attribute === undefined || entry.patterns.length === 0) return true;
    const value = offer.attributes.get(entry.attribute);
    if (value?.type !== 'TEXT') return NO_ENTRY;
    return matchesAny(value.text, entry.patterns) ? true : NO_ENTRY;
  },
};
