/**
 * The action's inputs (action.yml), parsed from the raw strings GitHub passes. Pure: the caller
 * supplies the reader (core.getInput in src/main.ts).
 */
import { ConfigError } from '../errors.js';

/** When to post the sticky PR comment. */
export type CommentPolicy = 'always' | 'on-regression' | 'never';

/** Parsed inputs. */
export interface ActionInputs {
  /** Path of perfgate.yml, relative to `workingDirectory`. */
  readonly config: string;
  readonly githubToken: string;
  readonly comment: CommentPolicy;
  readonly failOnRegression: boolean;
  /** Folder (relative to the workspace) holding the repository checkout and the config. */
  readonly workingDirectory: string;
  /** Base revision the user named (any git revision), replacing the event's; absent when unset. */
  readonly base?: string;
  /** Head revision the user named, replacing the event's; absent when unset. */
  readonly head?: string;
}

const COMMENT_POLICIES: readonly CommentPolicy[] = ['always', 'on-regression', 'never'];

/**
 * Every choice input (`comment`, `fail-on-regression`) follows one rule: surrounding blanks and
 * letter case are ignored (`Always`, ` TRUE `), and anything else is refused.
 * @param read returns the raw input ('' when unset), like core.getInput.
 * @throws ConfigError naming the input, the value received and what is accepted.
 */
export function parseActionInputs(read: (name: string) => string): ActionInputs {
  const comment = read('comment').trim().toLowerCase() || 'always';
  if (!isCommentPolicy(comment)) {
    throw new ConfigError(
      `input \`comment\`: expected one of ${COMMENT_POLICIES.join(', ')}, got "${comment}"`,
      'set `comment:` in the workflow step to always, on-regression or never',
    );
  }
  const failRaw = read('fail-on-regression').trim().toLowerCase() || 'true';
  if (failRaw !== 'true' && failRaw !== 'false') {
    throw new ConfigError(
      `input \`fail-on-regression\`: expected true or false, got "${failRaw}"`,
      'set `fail-on-regression: true` (fail the check on a regression) or `false` (report only)',
    );
  }
  return {
    config: read('config').trim() || 'perfgate.yml',
    githubToken: read('github-token').trim(),
    comment,
    failOnRegression: failRaw === 'true',
    workingDirectory: read('working-directory').trim() || '.',
    ...optional('base', read('base').trim()),
    ...optional('head', read('head').trim()),
  };
}

function optional<K extends 'base' | 'head'>(key: K, value: string): Partial<Record<K, string>> {
  return value === '' ? {} : ({ [key]: value } as Partial<Record<K, string>>);
}

function isCommentPolicy(value: string): value is CommentPolicy {
  return (COMMENT_POLICIES as readonly string[]).includes(value);
}
