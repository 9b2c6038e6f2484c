import { describe, expect, it } from 'vitest';
import { SequentialIds } from '../../src/fakes/sequential-ids.js';

describe('SequentialIds', () => {
  it.each([
    [undefined, ['1527839061316356269', '1527839061316356270', '1527839061316356271']],
    ['0', ['0', '1', '2']],
    [9_007_199_254_740_993n, ['9007199254740993', '9007199254740994', '9007199254740995']],
    ['999', ['999', '1000', '1001']],
  ])('uniqueNanos from start %s', (startNanos, expected) => {
    const ids = new SequentialIds(startNanos === undefined ? {} : { startNanos });
    expect([ids.uniqueNanos(), ids.uniqueNanos(), ids.uniqueNanos()]).toEqual(expected);
  });

  it.each([
    [1, '00000000-0000-4000-8000-000000000001'],
    [2, '00000000-0000-4000-8000-000000000002'],
    [16, '00000000-0000-4000-8000-000000000010'],
  ])('the uuid of call %i is %s', (call, expected) => {
    const ids = new SequentialIds();
    let uuid = '';
    for (let i = 0; i < call; i++) uuid = ids.uuid();
    expect(uuid).toBe(expected);
  });

  it('makes RFC 4122 version 4 UUIDs', () => {
    const uuid = new SequentialIds().uuid();
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('two generators replay the same sequence', () => {
    const one = new SequentialIds();
    const two = new SequentialIds();
    expect([one.uniqueNanos(), one.uuid()]).toEqual([two.uniqueNanos(), two.uuid()]);
  });

  it('rejects a negative start', () => {
    expect(() => new SequentialIds({ startNanos: -1n })).toThrow(RangeError);
  });
});
