/**
 * Which two commits a gate compares, read from the GitHub event that started the workflow.
 * The payload is untrusted JSON (GITHUB_EVENT_PATH): it is parsed with a schema, never cast.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';

/**
 * How base and head were chosen, so the gate can resolve them and the report can say what they stand
 * for. Why a pull request compares its merge commit with the merge's first parent: docs/comparison-basis.md.
 */
export type PlanBasis =
  /**
   * `pull_request` with the merge commit GitHub built (GITHUB_SHA, `refs/pull/N/merge`): head is that
   * merge commit, base its first parent (the base branch's tip it was merged onto), so the gate
   * measures exactly what merging the pull request would change on the base branch.
   */
  | {
      readonly kind: 'merge-commit';
      /** 40-hex SHA of the merge commit. */
      readonly mergeCommit: string;
      /** 40-hex SHA of the pull request's head commit (the merge's second parent). */
      readonly pullRequestHead: string;
      /** 40-hex SHA of the base branch's tip named by the event (`pull_request.base.sha`). */
      readonly baseTip: string;
    }
  /**
   * Head is the pull request's head commit, base the merge base of it and the base branch's tip (where
   * the branch left the base branch), so what landed on the base branch since is not blamed on the
   * pull request. Used under `pull_request_target` (no merge commit is checked out there), when the
   * runner names no merge commit, and by the gate when the merge commit is not in the clone.
   */
  | {
      readonly kind: 'merge-base';
      readonly pullRequestHead: string;
      readonly baseTip: string;
    }
  /** `push`: the commit before the push and the pushed commit. */
  | { readonly kind: 'push' }
  /** Revisions the user named (the `base`/`head` inputs, the CLI): compared as given. */
  | { readonly kind: 'given' };

/** What the gate compares, and why it runs. */
export interface EventPlan {
  /**
   * Base revision to resolve: `<merge commit>^1` (merge-commit basis), the base branch's tip (merge-base
   * basis: the gate replaces it with the merge base), the push's `before`, or the user's `base`.
   */
  readonly base: string;
  /** Head revision: the merge commit, the PR's head commit, the push's `after`, or the user's `head`. */
  readonly head: string;
  readonly basis: PlanBasis;
  /** Pull request number on `pull_request` / `pull_request_target` events. */
  readonly pullRequest?: number;
  /** Base branch name from the event (`pull_request.base.ref`), for reports. */
  readonly baseBranch?: string;
  /** `pull_request`: compare a PR's head with its base; `push`: compare a push with the commit before it. */
  readonly mode: 'pull_request' | 'push';
}

/** What the runner says about the checkout (environment, not payload). */
export interface RunnerCheckout {
  /** GITHUB_SHA: on `pull_request` the merge commit GitHub built for the PR; absent outside Actions. */
  readonly sha?: string;
}

/**
 * Revisions the user gave explicitly (the action's `base` / `head` inputs). Each replaces what the
 * event names; `base` is also what makes the first push of a new branch plannable.
 */
export interface EventPlanOverrides {
  readonly base?: string;
  readonly head?: string;
}

/** Events perfgate knows how to plan, as named in GITHUB_EVENT_NAME. */
export const SUPPORTED_EVENTS = ['pull_request', 'pull_request_target', 'push'] as const;

const sha = z.string().regex(/^[0-9a-f]{40}$/, 'a 40-hex commit SHA');
const positiveInt = z.number().int().positive();

// Only the fields we read; GitHub sends hundreds more, which zod's object() ignores.
const pullRequestPayload = z.object({
  number: positiveInt.optional(),
  pull_request: z.object({
    number: positiveInt.optional(),
    base: z.object({ sha, ref: z.string().optional() }),
    head: z.object({ sha, ref: z.string().optional() }),
  }),
});

const pushPayload = z.object({
  before: sha,
  after: sha,
  ref: z.string().optional(),
});

/** Git's way of saying "no commit" in push payloads (new branch: `before`; deleted branch: `after`). */
const NULL_SHA = '0'.repeat(40);

/**
 * Plans a gate from the workflow's event.
 *
 * - `pull_request`: when `runner.sha` (GITHUB_SHA) names a commit other than the PR's head, it is the
 *   merge commit GitHub built: head = that commit, base = its first parent (basis `merge-commit`).
 *   Otherwise (and always under `pull_request_target`, whose GITHUB_SHA is the base branch's tip):
 *   head = `pull_request.head.sha`, base = `pull_request.base.sha`, to be replaced by the merge base of
 *   the two (basis `merge-base`). PR number from `pull_request.number` or the top-level `number`.
 * - `push`: base = `before`, head = `after`. On the first push of a branch `before` is all zeros: there is
 *   no previous commit to compare with, so this throws unless `overrides.base` names one. Guessing
 *   `head~1` was rejected: for a multi-commit push it would silently gate only the last commit.
 *
 * @param eventName GITHUB_EVENT_NAME.
 * @param payload the parsed JSON of GITHUB_EVENT_PATH (shape unknown until checked here).
 * @param overrides revisions the user set explicitly; they win over the event's (basis `given` when
 *   either is set: a named revision is compared as named).
 * @param runner what the runner says about the checkout (GITHUB_SHA).
 * @throws ConfigError for an unsupported event, a payload without the fields the event must carry,
 *   a branch deletion, or the first push of a branch without `overrides.base`.
 */
export function planFromEvent(
  eventName: string,
  payload: unknown,
  overrides: EventPlanOverrides = {},
  runner: RunnerCheckout = {},
): EventPlan {
  if (!isSupportedEvent(eventName)) {
    throw new ConfigError(
      `perfgate cannot plan a gate for the "${eventName}" event: supported events are ${SUPPORTED_EVENTS.join(', ')}.`,
      'Trigger the workflow with `on: [push, pull_request]`, or run the perfgate CLI with explicit base and head revisions.',
    );
  }
  switch (eventName) {
    case 'pull_request':
    case 'pull_request_target':
      return planPullRequest(eventName, payload, overrides, runner);
    case 'push':
      return planPush(payload, overrides);
  }
}

/** What the user accepted about running code the event brings in. */
export interface EventTrust {
  /**
   * The `allow-pull-request-target-untrusted-code` input: build and serve a pull request's code under
   * `pull_request_target` although the job's token can write and the workflow's secrets are there.
   */
  readonly allowPullRequestTargetUntrustedCode: boolean;
}

/**
 * Refuses to gate a `pull_request_target` event unless the user opted in. Under that event the job
 * runs with the base repository's write-scoped GITHUB_TOKEN and its secrets, while perfgate builds
 * and starts the pull request's code (its `build` and `server` commands, and any file they run): a
 * pull request from anyone, a fork's included, could then push to the repository or read the secrets.
 * GitHub's own guidance: never check out and run the pull request's code under `pull_request_target`
 * ("Keeping your GitHub Actions and workflows secure: Preventing pwn requests", GitHub Security Lab).
 * Call it before anything is checked out or built.
 *
 * @param eventName GITHUB_EVENT_NAME.
 * @throws ConfigError naming the opt-in input and the risk, on `pull_request_target` without it.
 */
export function assertEventMayRunPullRequestCode(eventName: string, trust: EventTrust): void {
  if (eventName !== 'pull_request_target' || trust.allowPullRequestTargetUntrustedCode) return;
  throw new ConfigError(
    "perfgate refuses to build and run the pull request's code under `pull_request_target`: there the " +
      "job's token has write access to the repository and the workflow's secrets are available while " +
      "the pull request's build and server commands would run, and anyone who can open a pull request (from a " +
      'fork too) writes that code. Nothing was built.',
    'Trigger the gate with `on: pull_request` (a fork then gets a read-only token and no secrets). Only ' +
      'if every pull request author is trusted, or each run waits for approval, set ' +
      '`allow-pull-request-target-untrusted-code: true` on the perfgate step.',
  );
}

function isSupportedEvent(name: string): name is (typeof SUPPORTED_EVENTS)[number] {
  return SUPPORTED_EVENTS.some((supported) => supported === name);
}

function planPullRequest(
  eventName: 'pull_request' | 'pull_request_target',
  payload: unknown,
  overrides: EventPlanOverrides,
  runner: RunnerCheckout,
): EventPlan {
  const parsed = pullRequestPayload.safeParse(payload);
  if (!parsed.success) throw malformed(eventName, parsed.error);
  const pr = parsed.data.pull_request;
  const pullRequest = pr.number ?? parsed.data.number;
  if (pullRequest === undefined) {
    throw new ConfigError(
      `The ${eventName} event payload has no pull request number (neither pull_request.number nor number).`,
      'Check that GITHUB_EVENT_PATH points at the event file the runner wrote.',
    );
  }
  const common = {
    pullRequest,
    mode: 'pull_request' as const,
    ...(pr.base.ref === undefined ? {} : { baseBranch: pr.base.ref }),
  };
  if (overrides.base !== undefined || overrides.head !== undefined) {
    return {
      base: overrides.base ?? pr.base.sha,
      head: overrides.head ?? pr.head.sha,
      basis: { kind: 'given' },
      ...common,
    };
  }
  const checkedOut = runner.sha?.trim().toLowerCase();
  if (
    eventName === 'pull_request' &&
    checkedOut !== undefined &&
    sha.safeParse(checkedOut).success &&
    checkedOut !== pr.head.sha &&
    checkedOut !== pr.base.sha
  ) {
    return {
      base: `${checkedOut}^1`,
      head: checkedOut,
      basis: {
        kind: 'merge-commit',
        mergeCommit: checkedOut,
        pullRequestHead: pr.head.sha,
        baseTip: pr.base.sha,
      },
      ...common,
    };
  }
  return {
    base: pr.base.sha,
    head: pr.head.sha,
    basis: { kind: 'merge-base', pullRequestHead: pr.head.sha, baseTip: pr.base.sha },
    ...common,
  };
}

function planPush(payload: unknown, overrides: EventPlanOverrides): EventPlan {
  const parsed = pushPayload.safeParse(payload);
  if (!parsed.success) throw malformed('push', parsed.error);
  const { before, after, ref } = parsed.data;
  const branch = ref ?? 'the branch';
  if (after === NULL_SHA && overrides.head === undefined) {
    throw new ConfigError(
      `The push event deletes ${branch}: there is no head commit to measure.`,
      'Skip deletions in the workflow: `on: push: branches-ignore` or `if: github.event.deleted == false`.',
    );
  }
  if (before === NULL_SHA && overrides.base === undefined) {
    throw new ConfigError(
      `The push event creates ${branch}: the event names no previous commit to compare with.`,
      'no base commit on the first push of a branch; set the `base` input (e.g. `base: main`) or ' +
        'skip the gate with `if: github.event.created == false`.',
    );
  }
  const given = overrides.base !== undefined || overrides.head !== undefined;
  return {
    base: overrides.base ?? before,
    head: overrides.head ?? after,
    basis: given ? { kind: 'given' } : { kind: 'push' },
    mode: 'push',
  };
}

function malformed(eventName: string, error: z.ZodError): ConfigError {
  const problems = error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return new ConfigError(
    `The ${eventName} event payload is not what GitHub sends: ${problems.join('; ')}.`,
    'Check that GITHUB_EVENT_NAME matches the file at GITHUB_EVENT_PATH (the runner writes both).',
  );
}
