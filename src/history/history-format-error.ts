/**
 * The error every reader of an outside history format throws (history.json, github-action-benchmark's
 * data.js), and the key paths its messages name.
 */
import type { z } from 'zod';

/** Thrown when a file is not a history this perfgate can read; `message` names the file and says why. */
export class HistoryFormatError extends Error {
  override readonly name = 'HistoryFormatError';
}

/**
 * A key path as a reader would write it to point at a value: `entries[3].points[0].median`,
 * `entries["sync mpsc"][0].date` for keys that are not plain words.
 */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(String(part))) text += text === '' ? String(part) : `.${String(part)}`;
    else text += `[${JSON.stringify(String(part))}]`;
  }
  return text === '' ? '(top level)' : text;
}

/** At most this many schema problems are listed in one message; the rest are counted. */
const MAX_LISTED_ISSUES = 5;

/**
 * One message for the schema problems of a file: `<source>: <path>: <zod's message>` per problem, the
 * first few listed and the rest counted.
 */
export function describeIssues(source: string, what: string, issues: readonly z.core.$ZodIssue[]): string {
  const listed = issues
    .slice(0, MAX_LISTED_ISSUES)
    .map((issue) => `${formatKeyPath(issue.path)}: ${issue.message}`);
  const more = issues.length - listed.length;
  const tail = more > 0 ? `; and ${more} more problem${more === 1 ? '' : 's'}` : '';
  return `${source}: not a valid ${what}: ${listed.join('; ')}${tail}`;
}
