import { aSecret } from '@bcs/testing/builders';
import { describe, expect, it } from 'vitest';
import { SecretSchema, secretIssues } from '../../src/validation/secret.js';
import { createValidator } from '../../src/validation/validate.js';

const validator = createValidator('secret', SecretSchema);

describe('secret schema', () => {
  it("accepts the document's example", () => {
    expect(validator.parse(aSecret())).toEqual(aSecret());
  });

  it('takes an item without path and a secret without type', () => {
    const { type: _, ...body } = aSecret();
    expect(validator.issues({ ...body, datas: { a: { content: 'x' } } })).toEqual([]);
  });

  it.each([
    ['kind', { kind: 'Secret' }],
    ['metadata.name', { metadata: { name: '' } }],
    ['datas.secret-subkey.content', { datas: { 'secret-subkey': { path: 'P' } } }],
    ['datas.secret-subkey.content', { datas: { 'secret-subkey': { content: 42 } } }],
    ['type', { type: 1 }],
  ])('names %s', (path, patch) => {
    const issues = validator.issues({ ...aSecret(), ...patch });
    expect(issues.map((issue) => issue.path)).toEqual([path]);
  });

  it('never puts a secret value into an issue', () => {
    const issues = validator.issues({ ...aSecret(), datas: { a: { content: ['s3cr3t'] } } });
    expect(JSON.stringify(issues)).not.toContain('s3cr3t');
  });
});

describe('secretIssues (content is base64, spec/api-v4.md createSecret)', () => {
  const withContent = (content: string) =>
    validator.parse({ ...aSecret(), datas: { 'secret-subkey': { path: 'P', content } } });

  it.each(['Y29uZmlnIGNvbnRleHQ=', 'YQ==', 'YWI=', 'YWJj', '', 'YWJj\nZGVm'])('accepts %j', (content) => {
    expect(secretIssues(withContent(content))).toEqual([]);
  });

  it.each(['not base64!', 's3cr3t', 'YQ=', 'YQ', 'Y29u Zmln', 'YWJj$'])(
    'refuses %j, naming the field only',
    (content) => {
      const issues = secretIssues(withContent(content));
      expect(issues.map((issue) => issue.path)).toEqual(['datas.secret-subkey.content']);
      expect(JSON.stringify(issues)).not.toContain(content);
    },
  );
});
