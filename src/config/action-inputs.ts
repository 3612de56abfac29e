/**
 * The action's inputs (action.yml), parsed from the raw strings GitHub passes. Pure: the caller
 * supplies the reader (core.getInput in src/main.ts).
 */
import { ConfigError } from '../errors.js';
import { BASELINE_INPUTS, type BaselineInput } from '../plan/stored-plan.js';

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
  /**
   * `allow-pull-request-target-untrusted-code`: the user accepts that under `pull_request_target`
   * perfgate builds and serves the pull request's code while the job holds a write token and the
   * workflow's secrets. Default false: perfgate refuses that event.
   */
  readonly allowPullRequestTargetUntrustedCode: boolean;
  /** `artifact-name`: name of the uploaded results artifact; absent means `perfgate-<config slug>`. */
  readonly artifactName?: string;
  /** `retention-days`: days the artifact is kept, 1..90; absent means the repository's default. */
  readonly retentionDays?: number;
  /**
   * `baseline`: how head is compared: `same-runner` (default: base and head measured here),
   * `stored` (head alone, against the base branch's latest stored push run), `auto` (stored on
   * pushes, same-runner on pull requests).
   */
  readonly baseline: BaselineInput;
  /**
   * `fail-on-change-point`: fail a stored-mode push run when the branch's history shows a new
   * change point (a regression of a gated metric first visible at this run). Default false.
   */
  readonly failOnChangePoint: boolean;
  /**
   * `trends`: with a stored baseline on a pull request, also show the base branch's history
   * (change points, trend charts) in the job summary. Push runs always show it. Default false.
   */
  readonly trends: boolean;
}

/** The input that opts in to running a pull request's code under `pull_request_target`. */
export const ALLOW_PULL_REQUEST_TARGET_INPUT = 'allow-pull-request-target-untrusted-code';

const COMMENT_POLICIES: readonly CommentPolicy[] = ['always', 'on-regression', 'never'];

/** Characters GitHub refuses in artifact names. */
const ARTIFACT_NAME_FORBIDDEN = ['"', ':', '<', '>', '|', '*', '?', '\r', '\n', '\\', '/'];

/** The longest retention GitHub allows (public repositories; private ones may cap it lower). */
export const MAX_RETENTION_DAYS = 90;

/**
 * Every choice input (`comment`, `baseline`, `fail-on-regression`, `allow-pull-request-target-untrusted-code`)
 * follows one rule: surrounding blanks and letter case are ignored (`Always`, ` TRUE `), and anything
 * else is refused.
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
  const baseline = read('baseline').trim().toLowerCase() || 'same-runner';
  if (!isBaselineInput(baseline)) {
    throw new ConfigError(
      `input \`baseline\`: expected one of ${BASELINE_INPUTS.join(', ')}, got "${baseline}"`,
      'set `baseline:` in the workflow step to same-runner, stored or auto (stored on pushes, same-runner on pull requests)',
    );
  }
  const failOnRegression = readBoolean(
    read,
    'fail-on-regression',
    true,
    'set `fail-on-regression: true` (fail the check on a regression) or `false` (report only)',
  );
  const failOnChangePoint = readBoolean(
    read,
    'fail-on-change-point',
    false,
    'set `fail-on-change-point: true` (fail a push run on a new change point in the history) or leave it unset',
  );
  const trends = readBoolean(
    read,
    'trends',
    false,
    "set `trends: true` (show the base branch's history in a pull request's job summary) or leave it unset",
  );
  const allowPullRequestTargetUntrustedCode = readBoolean(
    read,
    ALLOW_PULL_REQUEST_TARGET_INPUT,
    false,
    `leave \`${ALLOW_PULL_REQUEST_TARGET_INPUT}\` unset (false), or set it to true only when every pull request author is trusted`,
  );
  return {
    config: read('config').trim() || 'perfgate.yml',
    githubToken: read('github-token').trim(),
    comment,
    failOnRegression,
    workingDirectory: read('working-directory').trim() || '.',
    ...optional('base', read('base').trim()),
    ...optional('head', read('head').trim()),
    allowPullRequestTargetUntrustedCode,
    ...readArtifactName(read),
    ...readRetentionDays(read),
    baseline,
    failOnChangePoint,
    trends,
  };
}

function isBaselineInput(value: string): value is BaselineInput {
  return BASELINE_INPUTS.some((input) => input === value);
}

function readArtifactName(read: (name: string) => string): { artifactName?: string } {
  const name = read('artifact-name').trim();
  if (name === '') return {};
  const forbidden = ARTIFACT_NAME_FORBIDDEN.filter((character) => name.includes(character));
  if (forbidden.length > 0) {
    throw new ConfigError(
      `input \`artifact-name\`: ${JSON.stringify(name)} contains ${forbidden.map((c) => JSON.stringify(c)).join(', ')}, which GitHub does not allow in artifact names`,
      'choose a name without " : < > | * ? \\ / or line breaks, or leave `artifact-name` unset for perfgate-<config>',
    );
  }
  return { artifactName: name };
}

function readRetentionDays(read: (name: string) => string): { retentionDays?: number } {
  const raw = read('retention-days').trim();
  if (raw === '') return {};
  const days = Number(raw);
  if (!/^\d+$/.test(raw) || days < 1 || days > MAX_RETENTION_DAYS) {
    throw new ConfigError(
      `input \`retention-days\`: expected a whole number of days from 1 to ${MAX_RETENTION_DAYS}, got "${raw}"`,
      "set `retention-days` to e.g. 14, or leave it empty for the repository's default",
    );
  }
  return { retentionDays: days };
}

/** A true/false input under the one rule for choice inputs; `fallback` when unset. */
function readBoolean(read: (name: string) => string, name: string, fallback: boolean, hint: string): boolean {
  const raw = read(name).trim().toLowerCase() || String(fallback);
  if (raw !== 'true' && raw !== 'false') {
    throw new ConfigError(`input \`${name}\`: expected true or false, got "${raw}"`, hint);
  }
  return raw === 'true';
}

function optional<K extends 'base' | 'head'>(key: K, value: string): Partial<Record<K, string>> {
  return value === '' ? {} : ({ [key]: value } as Partial<Record<K, string>>);
}

function isCommentPolicy(value: string): value is CommentPolicy {
  return (COMMENT_POLICIES as readonly string[]).includes(value);
}
