import { anAgentSetting, anAgentSettingUpdate, anAgentTaintList } from '@bcs/testing/builders';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import {
  checkIpList,
  parseAgentSettings,
  parseAgentSettingUpdate,
  parseAgentTaints,
  parseIpList,
} from '../../src/validation/agent-setting.js';
import { issuePaths, pathsOf, validationFailure } from '../helpers/core.js';

describe('parseAgentSettings', () => {
  it("accepts the document's example", () => {
    expect(parseAgentSettings([anAgentSetting()])).toEqual([anAgentSetting()]);
  });

  it('defaults disabled to false and matches keys case-insensitively', () => {
    expect(parseAgentSettings([{ InnerIP: '10.0.0.1', Scalars: { cpu: { Value: 2 } } }])).toEqual([
      { innerIP: '10.0.0.1', disabled: false, scalars: { cpu: { value: 2 } } },
    ]);
  });

  // Regression: with an object `default`, TypeBox's Value.Default merged an array into it:
  // `["k"]` became `{"0":"k"}` and passed.
  it.each([
    ['[0].noSchedule', { noSchedule: ['k'] }],
    ['[0].noSchedule', { noSchedule: [] }],
    ['[0].strings', { strings: [{ value: 'x' }] }],
  ])('refuses an array where a map belongs: %s', (path, patch) => {
    expect(pathsOf(() => parseAgentSettings([{ innerIP: '10.0.0.1', ...patch }]))).toEqual([path]);
  });

  it('refuses an empty array (it would change nothing), for settings and taints', () => {
    expect(pathsOf(() => parseAgentSettings([]))).toEqual(['']);
    expect(pathsOf(() => parseAgentTaints([]))).toEqual(['']);
  });

  it.each([
    ['[1].innerIP', [{ innerIP: '10.0.0.1' }, { innerIP: '10.0.0.256' }]],
    ['[0].innerIP', [{ disabled: true }]],
    ['[0].disabled', [{ innerIP: '10.0.0.1', disabled: 'yes' }]],
    ['[0].strings.a b', [{ innerIP: '10.0.0.1', strings: { 'a b': { value: 'x' } } }]],
    ['[0].strings.a.value', [{ innerIP: '10.0.0.1', strings: { a: { value: 1 } } }]],
    ['[0].scalars.x.value', [{ innerIP: '10.0.0.1', scalars: { x: { value: '1' } } }]],
    ['[0].noSchedule.k', [{ innerIP: '10.0.0.1', noSchedule: { k: 1 } }]],
    ['[0].strings', [{ innerIP: '10.0.0.1', strings: 'attr' }]],
    ['[1]', [{ innerIP: '10.0.0.1' }, 'text']],
    ['[2].innerIP', [{ innerIP: '10.0.0.1' }, { innerIP: '10.0.0.2' }, { innerIP: '10.0.0.1' }]],
  ])('names %s', (path, body) => {
    expect(pathsOf(() => parseAgentSettings(body))).toEqual([path]);
  });

  it('refuses an attribute name of 64 characters', () => {
    const paths = pathsOf(() =>
      parseAgentSettings([{ innerIP: '10.0.0.1', strings: { ['a'.repeat(64)]: { value: 'x' } } }]),
    );
    expect(paths).toEqual([`[0].strings.${'a'.repeat(64)}`]);
  });

  it('reports every bad entry at once', () => {
    const paths = pathsOf(() =>
      parseAgentSettings([{ innerIP: 'x' }, { innerIP: '10.0.0.1' }, { innerIP: 'y' }]),
    );
    expect(paths).toEqual(['[0].innerIP', '[2].innerIP']);
  });

  it.each([[{}], [null], ['text']])('refuses a body that is not an array: %j', (body) => {
    expect(pathsOf(() => parseAgentSettings(body))).toEqual(['']);
  });
});

describe('parseAgentTaints', () => {
  it("accepts the document's example", () => {
    expect(parseAgentTaints(anAgentTaintList())).toEqual(anAgentTaintList());
  });

  it('takes an empty noSchedule (clears the taints)', () => {
    expect(parseAgentTaints([{ innerIP: '10.0.0.1', noSchedule: {} }])).toEqual([
      { innerIP: '10.0.0.1', noSchedule: {} },
    ]);
  });

  it.each([
    ['[0].noSchedule', [{ innerIP: '10.0.0.1' }]],
    [
      '[1].innerIP',
      [
        { innerIP: '10.0.0.1', noSchedule: {} },
        { innerIP: '10.0.0.1', noSchedule: {} },
      ],
    ],
    ['[0].noSchedule.a:b', [{ innerIP: '10.0.0.1', noSchedule: { 'a:b': 'x' } }]],
  ])('names %s', (path, body) => {
    expect(pathsOf(() => parseAgentTaints(body))).toEqual([path]);
  });
});

describe('parseAgentSettingUpdate', () => {
  it("accepts the document's example and drops the repeated IP", () => {
    expect(parseAgentSettingUpdate(anAgentSettingUpdate())).toEqual({
      ...anAgentSettingUpdate(),
      ips: ['127.0.0.1'],
    });
  });

  it('takes a scalar, with keys in any case', () => {
    expect(
      parseAgentSettingUpdate({ IPs: ['10.0.0.1'], Name: 'cpu', valueType: 101, Scalar: { Value: 1.5 } }),
    ).toEqual({
      ips: ['10.0.0.1'],
      name: 'cpu',
      valuetype: 101,
      scalar: { value: 1.5 },
    });
  });

  it.each([
    ['valuetype', { valuetype: 102 }],
    ['valuetype', { valuetype: 104 }],
    ['valuetype', { valuetype: '103' }],
    ['valuetype', { valuetype: undefined }],
    ['text', { text: undefined }],
    ['scalar', { valuetype: 101 }],
    ['text.value', { text: { value: 3 } }],
    ['name', { name: '' }],
    ['name', { name: 'a/b' }],
    ['name', { name: 'a'.repeat(64) }],
    ['ips', { ips: [] }],
    ['ips', { ips: undefined }],
    ['ips[1]', { ips: ['10.0.0.1', 'host'] }],
  ])('names %s', (path, patch) => {
    expect(pathsOf(() => parseAgentSettingUpdate({ ...anAgentSettingUpdate(), ...patch }))).toEqual([path]);
  });
});

describe('parseIpList', () => {
  it.each([
    [' 10.0.0.1, ,10.0.0.2,10.0.0.1', ['10.0.0.1', '10.0.0.2']],
    ['127.0.0.1', ['127.0.0.1']],
    ['', []],
    [',,', []],
    [undefined, []],
  ])('%j → %j', (raw, ips) => {
    expect(parseIpList(raw, { required: false })).toEqual(ips);
  });

  it.each([
    ['10.0.0.1,host-a', ['ips[1]']],
    ['a, ,b', ['ips[0]', 'ips[1]']],
    ['10.0.0.1/24', ['ips[0]']],
  ])('%j → BadParams naming %j', (raw, expected) => {
    const error = validationFailure(() => parseIpList(raw, { required: false }));
    expect(error.code).toBe(ErrorCode.BadParams);
    expect(issuePaths(error)).toEqual(expected);
  });

  it.each([[undefined], [''], [' , ']])('%j is refused when required', (raw) => {
    const error = validationFailure(() => parseIpList(raw, { required: true }));
    expect(error.code).toBe(ErrorCode.BadParams);
    expect(error.issues).toEqual([{ path: 'ips', rule: 'is required' }]);
  });

  it('never echoes a bad value in the message', () => {
    expect(validationFailure(() => parseIpList('secret-host', { required: false })).message).not.toContain(
      'secret-host',
    );
  });
});

describe('checkIpList', () => {
  it('de-duplicates and keeps the first order', () => {
    expect(checkIpList(['10.0.0.2', '10.0.0.1', '10.0.0.2'], { required: true })).toEqual([
      '10.0.0.2',
      '10.0.0.1',
    ]);
  });

  it('names an entry that is not IPv4 (an untrimmed one too)', () => {
    expect(
      issuePaths(validationFailure(() => checkIpList(['10.0.0.1', ' 10.0.0.2'], { required: false }))),
    ).toEqual(['ips[1]']);
  });
});
