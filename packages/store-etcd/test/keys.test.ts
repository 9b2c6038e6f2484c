import { describe, expect, it } from 'vitest';
import { decodeKey, encodeKey, prefixEnd, StoreKeys } from '../src/keys.js';

describe('key layout', () => {
  const keys = new StoreKeys('BCS-MESOS-10001');

  it('puts everything under /bcs/<cluster-id>/store/', () => {
    expect(keys.object('configmap', 'ns/a').toString()).toBe(
      '/bcs/BCS-MESOS-10001/store/data/configmap/ns/a',
    );
    expect(keys.revision.toString()).toBe('/bcs/BCS-MESOS-10001/store/meta/revision');
    expect(keys.log(7, 1).toString()).toBe('/bcs/BCS-MESOS-10001/store/log/0000000000000007/00000001');
    expect(keys.revisionOfLog(keys.log(123_456, 3))).toBe(123_456);
  });

  it('orders encoded keys bytewise as the port orders keys (UTF-16 code units)', () => {
    const sample = ['b', 'a', 'B', 'a/b', 'a0', '\uffff', '😀', 'ä', 'nul\u0000inside', '\ud800'];
    const utf16 = [...sample].sort();
    const bytes = [...sample].sort((x, y) =>
      Buffer.compare(Buffer.from(encodeKey(x)), Buffer.from(encodeKey(y))),
    );
    expect(bytes).toEqual(utf16);
    for (const key of sample) expect(decodeKey(encodeKey(key))).toBe(key);
  });

  it('prefixEnd bounds exactly the keys that start with the prefix', () => {
    const prefix = Buffer.from(keys.collection('thing'));
    const end = prefixEnd(prefix);
    const inside = keys.object('thing', '\uffff');
    const outside = keys.object('thingy', 'a');
    expect(Buffer.compare(inside, end)).toBeLessThan(0);
    expect(Buffer.compare(outside, end)).toBeGreaterThanOrEqual(0);
    expect(prefixEnd(Buffer.from([0x61, 0xff]))).toEqual(Buffer.from([0x62]));
  });
});
