/**
 * Turns schema issues into lines a user can act on: file, key path, what was expected, what was found,
 * and for unknown keys the likely intended one (in the manner of github-action-benchmark's config.ts).
 */
import type { z } from 'zod';
import { CONFIG_KEYS } from './schema.js';
import { suggestName } from './suggest-name.js';

type Issue = z.core.$ZodIssue;
type Section = keyof typeof CONFIG_KEYS;

const SECTION_NAMES: Readonly<Record<Section, string>> = {
  '': 'at the top level',
  server: 'under `server`',
  'http[]': 'in each `http` scenario',
  gate: 'under `gate`',
  profile: 'under `profile`',
};

function isSection(name: string): name is Section {
  return Object.hasOwn(CONFIG_KEYS, name);
}

/**
 * One line per problem, in schema order, e.g.
 * `perfgate.yml: http[0].duration: expected a duration like "10s" or "2m", got "10 sec"`.
 *
 * @param issues from `configSchema.safeParse(value, { reportInput: true })`.
 * @param file name shown at the start of each line.
 */
export function formatIssues(issues: readonly Issue[], file: string): string[] {
  return issues.flatMap((issue) => describeIssue(issue, [])).map((line) => `${file}: ${line}`);
}

function describeIssue(issue: Issue, parentPath: readonly PropertyKey[]): string[] {
  const path = [...parentPath, ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map(
      (key) => `${formatKeyPath([...path, key])}: unknown key; ${describeUnknownKey(key, path)}`,
    );
  }
  if (issue.code === 'invalid_union') {
    // zod tries each alternative; when only one got past the type check, its issues are the precise ones.
    const relevant = issue.errors.filter(
      (branch) => !branch.every((inner) => inner.code === 'invalid_type' && inner.path.length === 0),
    );
    const [only] = relevant;
    if (relevant.length === 1 && only !== undefined)
      return only.flatMap((inner) => describeIssue(inner, path));
  }
  const where = path.length === 0 ? '' : `${formatKeyPath(path)}: `;
  // YAML has no undefined (an empty value is null), so an undefined input is a key left out.
  if (issue.input === undefined) return [`${where}required key is missing; ${issue.message}`];
  const suggestion: unknown = issue.code === 'custom' ? issue.params?.suggestion : undefined;
  const didYouMean = typeof suggestion === 'string' ? `; did you mean \`${suggestion}\`?` : '';
  return [`${where}${issue.message}, got ${describeValue(issue.input)}${didYouMean}`];
}

function describeUnknownKey(key: string, path: readonly PropertyKey[]): string {
  const section = path
    .map((part) => (typeof part === 'number' ? '[]' : `.${String(part)}`))
    .join('')
    .replace(/^\./, '');
  const known = isSection(section) ? CONFIG_KEYS[section] : [];
  const suggestion = suggestName(key, known);
  if (suggestion !== undefined) return `did you mean \`${suggestion}\`?`;
  const home = Object.keys(CONFIG_KEYS)
    .filter(isSection)
    .find((other) => other !== section && CONFIG_KEYS[other].includes(key));
  if (home !== undefined) return `\`${key}\` belongs ${SECTION_NAMES[home]}`;
  return `expected one of ${known.join(', ')}`;
}

/**
 * A key path as a user would write it to point at a value: `http[0].headers.accept`,
 * `server.env["MY VAR"]` for names that are not plain words.
 */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(String(part))) text += text === '' ? String(part) : `.${String(part)}`;
    else text += `[${JSON.stringify(String(part))}]`;
  }
  return text;
}

/** What a YAML value looks like, briefly: `"10 sec"`, `42`, `nothing`, `a list`, `a mapping`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return Object.keys(value).length === 0 ? 'an empty mapping' : 'a mapping';
  return typeof value;
}
