import type { z } from 'zod';
import { ValidationError } from './errors.ts';

/** Renders a zod issue path as `a.b[2].c`, the form operators see in error messages. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    // Keys that are not plain names (typos with spaces, colons, ...) are quoted so the path stays readable.
    else if (typeof part === 'string' && !/^[A-Za-z_$][\w$-]*$/.test(part))
      out += `[${JSON.stringify(part)}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_small': {
      const op = issue.inclusive ? '>=' : '>';
      if (issue.origin === 'array') return `must have ${op} ${String(issue.minimum)} items`;
      if (issue.origin === 'string') return `must have ${op} ${String(issue.minimum)} characters`;
      return `must be ${op} ${String(issue.minimum)}`;
    }
    case 'too_big': {
      const op = issue.inclusive ? '<=' : '<';
      if (issue.origin === 'array') return `must have ${op} ${String(issue.maximum)} items`;
      if (issue.origin === 'string') return `must have ${op} ${String(issue.maximum)} characters`;
      return `must be ${op} ${String(issue.maximum)}`;
    }
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_type':
      return `expected ${issue.expected}${'input' in issue ? `, got ${describeValue(issue.input)}` : ''}`;
    default:
      return issue.message;
  }
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number' && Number.isNaN(v)) return 'NaN';
  return typeof v;
}

/** Every issue as `path: message`, sorted by path so output is stable. */
export function formatIssues(error: z.ZodError): string[] {
  const lines = error.issues.map((issue) => {
    const path = [...issue.path];
    if (issue.code === 'unrecognized_keys' && issue.keys.length === 1) path.push(issue.keys[0] as string);
    return `${formatPath(path)}: ${describe(issue)}`;
  });
  return [...new Set(lines)];
}

/** Parses `input` or throws a ValidationError (or `ErrorClass`) naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  subject: string,
  ErrorClass: new (subject: string, issues: string[]) => ValidationError = ValidationError,
): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ErrorClass(subject, formatIssues(result.error));
  return result.data;
}
