import { ErrorCode } from '@bcs/core';
import { describe, expect, it } from 'vitest';
import { checkHandshake, type HandshakeRules } from '../src/handshake.js';

const PATH = '/v4/scheduler/mesos/events';
const rules: HandshakeRules = {
  paths: [PATH, '/bcsapi/v4/scheduler/mesos/events'],
  clusterId: 'BCS-K8S-1',
  exclusive: false,
};
const header = { 'bcs-clusterid': 'BCS-K8S-1' };

describe('checkHandshake', () => {
  it.each([
    ['the header', `${PATH}`, header, {}],
    ['the query parameter', `${PATH}?clusterId=BCS-K8S-1`, {}, {}],
    ['the gateway prefix', `/bcsapi${PATH}`, header, {}],
    [
      'every subscription parameter',
      `${PATH}?namespace=ns1&application=web&deployment=dep&kinds=taskgroup.status,deployment.status&since=12`,
      header,
      {
        namespace: 'ns1',
        application: 'web',
        deployment: 'dep',
        kinds: ['taskgroup.status', 'deployment.status'],
        since: 12,
      },
    ],
    ['since=0 (all retained history)', `${PATH}?since=0`, header, { since: 0 }],
    [
      'kinds=command.status (issue 12)',
      `${PATH}?kinds=command.status`,
      header,
      { kinds: ['command.status'] },
    ],
  ])('accepts a request with %s', (_name, url, headers, subscription) => {
    expect(checkHandshake({ url, headers }, rules)).toEqual({ kind: 'accept', subscription });
  });

  it('prefers the header to the query parameter', () => {
    const verdict = checkHandshake({ url: `${PATH}?clusterId=other`, headers: header }, rules);
    expect(verdict.kind).toBe('accept');
  });

  it.each([
    ['no cluster id', PATH, {}, ErrorCode.FilterFailed, /BCS-ClusterID is required/],
    ['an empty header and no query', PATH, { 'bcs-clusterid': '' }, ErrorCode.FilterFailed, /is required/],
    [
      'a wrong header',
      PATH,
      { 'bcs-clusterid': 'other' },
      ErrorCode.FilterFailed,
      /^http header BCS-ClusterID "other" does not match this cluster$/,
    ],
    [
      'a wrong query parameter',
      `${PATH}?clusterId=other`,
      {},
      ErrorCode.FilterFailed,
      /clusterId "other" does not match/,
    ],
    ['a bad since', `${PATH}?since=-1`, header, ErrorCode.BadParams, /since/],
    ['a non-numeric since', `${PATH}?since=abc`, header, ErrorCode.BadParams, /since/],
    ['an unknown kind', `${PATH}?kinds=pod.status`, header, ErrorCode.BadParams, /kinds/],
    ['a bad namespace', `${PATH}?namespace=Bad_Name!`, header, ErrorCode.BadParams, /namespace/],
  ])('refuses %s', (_name, url, headers, code, message) => {
    const verdict = checkHandshake({ url, headers }, rules);
    expect(verdict).toMatchObject({ kind: 'refuse', status: 400, code });
    expect(verdict.kind === 'refuse' && verdict.message).toMatch(message);
  });

  it('quotes at most 64 characters of a wrong cluster id', () => {
    const verdict = checkHandshake({ url: PATH, headers: { 'bcs-clusterid': 'x'.repeat(500) } }, rules);
    expect(verdict.kind === 'refuse' && verdict.message).toContain(`"${'x'.repeat(64)}"`);
    expect(verdict.kind === 'refuse' && verdict.message).not.toContain('x'.repeat(65));
  });

  it('checks the cluster id before the parameters', () => {
    const verdict = checkHandshake({ url: `${PATH}?since=bad`, headers: {} }, rules);
    expect(verdict).toMatchObject({ code: ErrorCode.FilterFailed });
  });

  it.each([
    ['another path', '/v4/scheduler/mesos/namespaces'],
    ['a path that only starts like ours', `${PATH}/more`],
    ['no url', undefined],
  ])('ignores %s unless exclusive, then answers 404', (_name, url) => {
    expect(checkHandshake({ url, headers: header }, rules)).toEqual({ kind: 'ignore' });
    expect(checkHandshake({ url, headers: header }, { ...rules, exclusive: true })).toMatchObject({
      kind: 'refuse',
      status: 404,
      code: ErrorCode.NotFound,
    });
  });
});
