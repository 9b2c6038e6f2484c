import { aConfigMap } from '@bcs/testing/builders';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import { ConfigMapSchema, configMapIssues } from '../../src/validation/configmap.js';
import { createValidator } from '../../src/validation/validate.js';

const validator = createValidator('configmap', ConfigMapSchema);

describe('configmap schema', () => {
  it("accepts the document's example", () => {
    const definition = validator.parse(aConfigMap());
    expect(definition).toEqual(aConfigMap());
    expect(configMapIssues(definition)).toEqual([]);
  });

  // Regression: TypeBox's Value.Default never reached record values, so `datas.<key>.type` stayed unset.
  it('defaults an item type to file', () => {
    const body = { ...aConfigMap(), datas: { a: { content: 'YQ==' } } };
    expect(validator.parse(body).datas.a?.type).toBe('file');
  });

  it('matches keys case-insensitively but keeps data keys', () => {
    const body = {
      Kind: 'configmap',
      Metadata: { Name: 'c' },
      Datas: { 'Item-One': { Type: 'file', Content: 'YQ==' } },
    };
    expect(validator.parse(body).datas).toEqual({ 'Item-One': { type: 'file', content: 'YQ==' } });
  });

  // Regression: a pattern-keyed Type.Record without `additionalProperties: false` accepted any key.
  it('refuses a data key with a space', () => {
    const body = { ...aConfigMap(), datas: { 'a b': { type: 'file', content: 'YQ==' } } };
    expect(validator.issues(body).map((issue) => issue.path)).toEqual(['datas.a b']);
  });

  it.each([
    ['kind', { kind: 'ConfigMap' }],
    ['metadata.name', { metadata: { name: 'a.b' } }],
    ['metadata.namespace', { metadata: { name: 'a', namespace: '-x' } }],
    ['datas', { datas: undefined }],
    ['datas.item-one.type', { datas: { 'item-one': { type: 'smb', content: 'YQ==' } } }],
    ['datas.item-one.content', { datas: { 'item-one': { type: 'file' } } }],
  ])('names %s', (path, patch) => {
    const issues = validator.issues({ ...aConfigMap(), ...patch });
    expect(issues.map((issue) => issue.path)).toEqual([path]);
    expect(issues[0]?.rule).not.toBe('');
  });
});

describe('configMapIssues', () => {
  it.each([
    ['file', 'not base64!', ['datas.a.content']],
    ['file', 'YQ==', []],
    ['http', 'http://example.com/a', []],
    ['http', 'https://example.com/a', ['datas.a.content']],
    ['https', 'https://example.com/a', []],
    ['ftp', 'ftp://example.com/a', []],
    ['ftps', 'example.com/a', ['datas.a.content']],
  ])('type %s with content %j → %j', (type, content, paths) => {
    const definition = validator.parse({ ...aConfigMap(), datas: { a: { type, content } } });
    expect(configMapIssues(definition).map((issue) => issue.path)).toEqual(paths);
  });

  it('is reported as InvalidData through parse', () => {
    try {
      validator.parse({ ...aConfigMap(), kind: 'x' });
      expect.unreachable();
    } catch (error) {
      expect((error as { code: number }).code).toBe(ErrorCode.InvalidData);
    }
  });
});
