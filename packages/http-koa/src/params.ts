import { ErrorCode, type Issue, isValidName, ValidationError } from '@bcs/core';

/**
 * Checks path parameters that are names or namespaces (the same rule as `metadata.name`). A bad one answers
 * HTTP 400, code 1405007, naming the parameter: `invalid URL: namespace: must be …`.
 */
export function checkNames(params: Readonly<Record<string, string | undefined>>): void {
  const issues: Issue[] = [];
  for (const [label, value] of Object.entries(params)) {
    if (value !== undefined && !isValidName(value)) {
      issues.push({
        path: label,
        rule: 'must be 1-63 letters, digits or "-", start and end with a letter or digit',
      });
    }
  }
  if (issues.length > 0) throw new ValidationError('URL', issues, ErrorCode.BadParams);
}

/** One query parameter as a string (the first, if repeated), or undefined. */
export function queryString(
  query: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value[0] : value;
}
