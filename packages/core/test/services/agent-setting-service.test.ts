import type { MemoryStore } from '@bcs/testing';
import { anAgentSetting, anAgentSettingUpdate, anAgentTaintList } from '@bcs/testing/builders';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  AGENT_SETTING_RETRIES,
  type AgentSetting,
  AgentSettingService,
  type BatchOp,
  ErrorCode,
  newAgentSetting,
} from '../../src/index.js';
import { interfereWithBatches, issuePaths, rejectionOf, useTestCore } from '../helpers/core.js';

const setting = (ip: string, patch: Partial<AgentSetting> = {}): AgentSetting => ({
  ...newAgentSetting(ip),
  ...patch,
});

const t = useTestCore(AgentSettingService);

describe('set', () => {
  it("stores the document's example with defaults, under collection agentsetting", async () => {
    await t.service.set([anAgentSetting()]);
    const expected = { ...setting('127.0.0.1'), strings: anAgentSetting().strings };
    expect(await t.service.get('127.0.0.1')).toEqual(expected);
    expect((await t.core.store.get('agentsetting', '127.0.0.1'))?.value).toEqual(expected);
  });

  it('replaces a stored setting entirely ("全量更新")', async () => {
    await t.service.set([
      { innerIP: '10.0.0.1', disabled: true, scalars: { cpu: { value: 2 } }, noSchedule: { k: 'v' } },
    ]);
    await t.service.set([{ innerIP: '10.0.0.1', strings: { zone: { value: 'sz' } } }]);
    expect(await t.service.get('10.0.0.1')).toEqual(
      setting('10.0.0.1', { strings: { zone: { value: 'sz' } } }),
    );
  });

  it('does not store unknown fields', async () => {
    await t.service.set([{ innerIP: '10.0.0.1', pods: ['tg'], ExtendedResources: {} }]);
    expect(await t.service.get('10.0.0.1')).toEqual(setting('10.0.0.1'));
  });

  it('writes all IPs in one batch (one store revision)', async () => {
    const before = await t.core.store.revision();
    await t.service.set([{ innerIP: '10.0.0.1' }, { innerIP: '10.0.0.2' }, { innerIP: '10.0.0.3' }]);
    expect(await t.core.store.revision()).toBe(before + 1);
    expect(await t.service.list([])).toHaveLength(3);
  });

  it('writes nothing when one entry is invalid, naming it', async () => {
    const error = await t.refused(
      () => t.service.set([{ innerIP: '10.0.0.1' }, { innerIP: '10.0.0.300' }]),
      ErrorCode.InvalidData,
    );
    expect(issuePaths(error)).toEqual(['[1].innerIP']);
  });

  it('refuses the same IP twice', async () => {
    const error = await t.refused(
      () => t.service.set([{ innerIP: '10.0.0.1' }, { innerIP: '10.0.0.1' }]),
      ErrorCode.InvalidData,
    );
    expect(issuePaths(error)).toEqual(['[1].innerIP']);
  });

  it('refuses an empty array (it changed nothing, yet answered success), storing nothing', async () => {
    await expect(t.service.set([])).rejects.toMatchObject({ code: ErrorCode.InvalidData });
    await expect(t.service.taint([])).rejects.toMatchObject({ code: ErrorCode.InvalidData });
    expect(await t.core.store.revision()).toBe(0);
  });
});

describe('list and get', () => {
  beforeEach(async () => {
    await t.service.set([{ innerIP: '10.0.0.10' }, { innerIP: '10.0.0.2' }, { innerIP: '9.0.0.1' }]);
  });

  it('lists every setting for an empty list, ordered by IP numerically', async () => {
    expect((await t.service.list([])).map((s) => s.innerIP)).toEqual(['9.0.0.1', '10.0.0.2', '10.0.0.10']);
  });

  it('lists the requested IPs, skipping those without a setting', async () => {
    expect((await t.service.list(['10.0.0.10', '10.0.0.99', '9.0.0.1'])).map((s) => s.innerIP)).toEqual([
      '9.0.0.1',
      '10.0.0.10',
    ]);
    expect(await t.service.list(['1.1.1.1'])).toEqual([]);
  });

  it('refuses a list entry that is not IPv4 with BadParams', async () => {
    const error = await rejectionOf(t.service.list(['10.0.0.2', 'host']));
    expect(error.code).toBe(ErrorCode.BadParams);
    expect(issuePaths(error)).toEqual(['ips[1]']);
  });

  it('gets one setting, NotFound without one, BadParams for a bad IP', async () => {
    expect((await t.service.get('10.0.0.2')).innerIP).toBe('10.0.0.2');
    expect((await rejectionOf(t.service.get('10.0.0.3'))).code).toBe(ErrorCode.NotFound);
    expect((await rejectionOf(t.service.get('10.0.0'))).code).toBe(ErrorCode.BadParams);
  });
});

describe('update', () => {
  it("creates settings for unknown IPs with the document's example", async () => {
    await t.service.update(anAgentSettingUpdate());
    expect(await t.service.get('127.0.0.1')).toEqual(
      setting('127.0.0.1', { strings: { attr3: { value: '333333' } } }),
    );
  });

  it('keeps the other attributes ("增量更新")', async () => {
    await t.service.set([anAgentSetting()]);
    await t.service.update({
      ips: ['127.0.0.1', '127.0.0.2'],
      name: 'attrScalar1',
      valueType: 101,
      scalar: { value: 999.9 },
    });
    expect(await t.service.get('127.0.0.1')).toEqual({
      ...setting('127.0.0.1', { scalars: { attrScalar1: { value: 999.9 } } }),
      strings: anAgentSetting().strings,
    });
    expect(await t.service.get('127.0.0.2')).toEqual(
      setting('127.0.0.2', { scalars: { attrScalar1: { value: 999.9 } } }),
    );
  });

  it('overwrites an attribute of the same name', async () => {
    await t.service.update(anAgentSettingUpdate());
    await t.service.update(anAgentSettingUpdate({ text: { value: 'new' } }));
    expect((await t.service.get('127.0.0.1')).strings).toEqual({ attr3: { value: 'new' } });
  });

  it.each([
    ['valuetype', { valuetype: 102 }],
    ['valuetype', { valuetype: 104 }],
    ['text', { text: undefined }],
    ['ips[0]', { ips: ['localhost'] }],
    ['name', { name: 'bad name' }],
  ])('refuses a body breaking %s and writes nothing', async (path, patch) => {
    await t.service.set([anAgentSetting()]);
    const error = await t.refused(
      () => t.service.update({ ...anAgentSettingUpdate(), ...patch }),
      ErrorCode.InvalidData,
    );
    expect(issuePaths(error)).toEqual([path]);
  });
});

describe('disable and enable', () => {
  it('creates disabled settings for unknown IPs, in one batch', async () => {
    await t.service.disable(['10.0.0.1', '10.0.0.2', '10.0.0.1']);
    expect(await t.core.store.revision()).toBe(1);
    expect(await t.service.list([])).toEqual([
      setting('10.0.0.1', { disabled: true }),
      setting('10.0.0.2', { disabled: true }),
    ]);
  });

  it('enables again, keeping attributes and taints', async () => {
    await t.service.set([{ innerIP: '10.0.0.1', strings: { a: { value: 'x' } }, noSchedule: { k: 'v' } }]);
    await t.service.disable(['10.0.0.1']);
    await t.service.enable(['10.0.0.1']);
    expect(await t.service.get('10.0.0.1')).toEqual(
      setting('10.0.0.1', { strings: { a: { value: 'x' } }, noSchedule: { k: 'v' } }),
    );
  });

  it('creates an enabled setting for an unknown IP', async () => {
    await t.service.enable(['10.0.0.7']);
    expect(await t.service.get('10.0.0.7')).toEqual(setting('10.0.0.7'));
  });

  it.each([
    [[], 'ips'],
    [['10.0.0.1', '10.0.0.x'], 'ips[1]'],
  ])('refuses %j with BadParams naming %s', async (ips, path) => {
    for (const action of [() => t.service.disable(ips), () => t.service.enable(ips)]) {
      const error = await t.refused(action, ErrorCode.BadParams);
      expect(issuePaths(error)).toEqual([path]);
    }
  });
});

describe('taint', () => {
  it("replaces the taints of the document's example, keeping everything else", async () => {
    await t.service.set([
      { innerIP: '127.0.0.1', disabled: true, strings: { a: { value: 'x' } }, noSchedule: { old: 'x' } },
    ]);
    await t.service.taint(anAgentTaintList());
    expect(await t.service.list([])).toEqual([
      setting('127.0.0.1', {
        disabled: true,
        strings: { a: { value: 'x' } },
        noSchedule: { key1: 'value1' },
      }),
      setting('127.0.0.2', { noSchedule: { key1: 'value1' } }),
    ]);
  });

  it('clears taints with an empty map', async () => {
    await t.service.taint(anAgentTaintList());
    await t.service.taint([{ innerIP: '127.0.0.1', noSchedule: {} }]);
    expect((await t.service.get('127.0.0.1')).noSchedule).toEqual({});
  });

  it('writes nothing when one entry is invalid', async () => {
    const error = await t.refused(
      () => t.service.taint([...anAgentTaintList(), { innerIP: '127.0.0.3', noSchedule: { k: 1 } }]),
      ErrorCode.InvalidData,
    );
    expect(issuePaths(error)).toEqual(['[2].noSchedule.k']);
  });
});

describe('delete', () => {
  beforeEach(async () => {
    await t.service.set([{ innerIP: '10.0.0.1' }, { innerIP: '10.0.0.2' }, { innerIP: '10.0.0.3' }]);
  });

  it('deletes the listed settings in one batch', async () => {
    const before = await t.core.store.revision();
    await t.service.delete(['10.0.0.1', '10.0.0.3']);
    expect(await t.core.store.revision()).toBe(before + 1);
    expect((await t.service.list([])).map((s) => s.innerIP)).toEqual(['10.0.0.2']);
  });

  it('deletes nothing when one IP has no setting (NotFound)', async () => {
    await t.refused(() => t.service.delete(['10.0.0.1', '10.0.0.9']), ErrorCode.NotFound);
    expect(await t.service.list([])).toHaveLength(3);
  });

  it('refuses an empty or invalid list with BadParams', async () => {
    expect(issuePaths(await t.refused(() => t.service.delete([]), ErrorCode.BadParams))).toEqual(['ips']);
    expect(
      issuePaths(await t.refused(() => t.service.delete(['10.0.0.1', '']), ErrorCode.BadParams)),
    ).toEqual(['ips[1]']);
  });
});

describe('concurrency', () => {
  it('guards every write with the revisions it read (absent for new IPs)', async () => {
    await t.service.set([{ innerIP: '10.0.0.1' }]);
    const revision = (await t.core.store.get('agentsetting', '10.0.0.1'))!.revision;
    const calls = interfereWithBatches(t.core.store, 0, async () => {});
    await t.service.disable(['10.0.0.1', '10.0.0.2']);
    await t.service.delete(['10.0.0.2']);
    const expects = (ops: BatchOp[]) => ops.map((op) => [op.type, op.key, op.expect]);
    expect(expects(calls[0]!)).toEqual([
      ['put', '10.0.0.1', { revision }],
      ['put', '10.0.0.2', { absent: true }],
    ]);
    expect(expects(calls[1]!)).toEqual([['delete', '10.0.0.2', { revision: revision + 1 }]]);
  });

  it('redoes the read-modify-write after a concurrent change, losing neither update', async () => {
    await t.service.set([{ innerIP: '10.0.0.1' }]);
    const calls = interfereWithBatches(t.core.store, 1, () =>
      t.core.store.put('agentsetting', '10.0.0.1', setting('10.0.0.1', { noSchedule: { other: 'writer' } })),
    );
    await t.service.update({
      ips: ['10.0.0.1', '10.0.0.2'],
      name: 'zone',
      valuetype: 103,
      text: { value: 'sz' },
    });
    expect(calls).toHaveLength(2);
    expect(await t.service.get('10.0.0.1')).toEqual(
      setting('10.0.0.1', { noSchedule: { other: 'writer' }, strings: { zone: { value: 'sz' } } }),
    );
  });

  it('treats a setting created concurrently like any other change', async () => {
    interfereWithBatches(t.core.store, 1, () =>
      t.core.store.put('agentsetting', '10.0.0.5', setting('10.0.0.5', { disabled: true })),
    );
    await t.service.update({ ips: ['10.0.0.5'], name: 'a', valuetype: 101, scalar: { value: 1 } });
    expect(await t.service.get('10.0.0.5')).toEqual(
      setting('10.0.0.5', { disabled: true, scalars: { a: { value: 1 } } }),
    );
  });

  it('keeps both of two overlapping updates issued together', async () => {
    await Promise.all([
      t.service.update({ ips: ['10.0.0.1', '10.0.0.2'], name: 'a', valuetype: 103, text: { value: '1' } }),
      t.service.update({ ips: ['10.0.0.2', '10.0.0.1'], name: 'b', valuetype: 103, text: { value: '2' } }),
      t.service.disable(['10.0.0.1']),
    ]);
    const expected = { a: { value: '1' }, b: { value: '2' } };
    expect(await t.service.list([])).toEqual([
      setting('10.0.0.1', { strings: expected, disabled: true }),
      setting('10.0.0.2', { strings: expected }),
    ]);
  });

  it(`reports Conflict after ${AGENT_SETTING_RETRIES} retries, having written nothing itself`, async () => {
    let n = 0;
    const calls = interfereWithBatches(t.core.store, Number.POSITIVE_INFINITY, () =>
      t.core.store.put(
        'agentsetting',
        '10.0.0.1',
        setting('10.0.0.1', { strings: { n: { value: String(++n) } } }),
      ),
    );
    const error = await rejectionOf(t.service.disable(['10.0.0.1']));
    expect(error.code).toBe(ErrorCode.Conflict);
    expect(calls).toHaveLength(AGENT_SETTING_RETRIES + 1);
    expect(await t.service.get('10.0.0.1')).toEqual(
      setting('10.0.0.1', { strings: { n: { value: String(n) } } }),
    );
  });

  it('redoes a delete whose setting changed meanwhile, and deletes it', async () => {
    await t.service.set([{ innerIP: '10.0.0.1' }]);
    const calls = interfereWithBatches(t.core.store, 1, () =>
      t.core.store.put('agentsetting', '10.0.0.1', setting('10.0.0.1', { disabled: true })),
    );
    await t.service.delete(['10.0.0.1']);
    expect(calls).toHaveLength(2);
    expect(await t.service.list([])).toEqual([]);
  });

  it('reports NotFound when a setting to delete vanished meanwhile', async () => {
    await t.service.set([{ innerIP: '10.0.0.1' }, { innerIP: '10.0.0.2' }]);
    interfereWithBatches(t.core.store, 1, () => t.core.store.delete('agentsetting', '10.0.0.2'));
    expect((await rejectionOf(t.service.delete(['10.0.0.1', '10.0.0.2']))).code).toBe(ErrorCode.NotFound);
    expect((await t.service.list([])).map((s) => s.innerIP)).toEqual(['10.0.0.1']);
  });
});

// issue 9 §0: a setting whose stored record is not JSON (planted by the memory store, as garbage on disk).
describe('an unreadable setting', () => {
  const plant = (ip: string) => (t.core.store as MemoryStore).plantUnreadable('agentsetting', ip);

  it('is left out of lists, answers Unreadable on get, and is replaced by a write', async () => {
    await t.service.set([{ innerIP: '10.0.0.1' }]);
    plant('10.0.0.2');
    expect((await t.service.list([])).map((s) => s.innerIP)).toEqual(['10.0.0.1']);
    expect((await t.service.list(['10.0.0.2', '10.0.0.1'])).map((s) => s.innerIP)).toEqual(['10.0.0.1']);
    await expect(t.service.get('10.0.0.2')).rejects.toHaveProperty('code', ErrorCode.Unreadable);
    await t.service.disable(['10.0.0.2']);
    expect(await t.service.get('10.0.0.2')).toEqual(setting('10.0.0.2', { disabled: true }));
  });

  it('is removed by a delete', async () => {
    plant('10.0.0.2');
    await t.service.delete(['10.0.0.2']);
    expect(await t.core.store.get('agentsetting', '10.0.0.2')).toBeUndefined();
  });
});
