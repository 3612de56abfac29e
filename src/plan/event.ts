/**
 * Which two commits a gate compares, read from the GitHub event that started the workflow.
 * The payload is untrusted JSON (GITHUB_EVENT_PATH): it is parsed with a schema, never cast.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';

/** What the gate compares, and why it runs. */
export interface EventPlan {
  /** Base revision: a 40-hex SHA from the event, or the user's `base` override (any revision). */
  readonly base: string;
  /** Head revision: a 40-hex SHA from the event, or the user's `head` override. */
  readonly head: string;
  /** Pull request number on `pull_request` / `pull_request_target` events. */
  readonly pullRequest?: number;
  /** `pull_request`: compare a PR's head with its base; `push`: compare a push with the commit before it. */
  readonly mode: 'pull_request' | 'push';
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
    base: z.object({ sha }),
    head: z.object({ sha }),
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
 * - `pull_request`, `pull_request_target`: base = `pull_request.base.sha`, head = `pull_request.head.sha`
 *   (the PR's commit, not the merge commit GitHub checks out), PR number from `pull_request.number`
 *   or the top-level `number`.
 * - `push`: base = `before`, head = `after`. On the first push of a branch `before` is all zeros: there is
 *   no previous commit to compare with, so this throws unless `overrides.base` names one. Guessing
 *   `head~1` was rejected: for a multi-commit push it would silently gate only the last commit.
 *
 * @param eventName GITHUB_EVENT_NAME.
 * @param payload the parsed JSON of GITHUB_EVENT_PATH (shape unknown until checked here).
 * @param overrides revisions the user set explicitly; they win over the event's.
 * @throws ConfigError for an unsupported event, a payload without the fields the event must carry,
 *   a branch deletion, or the first push of a branch without `overrides.base`.
 */
export function planFromEvent(
  eventName: string,
  payload: unknown,
  overrides: EventPlanOverrides = {},
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
      return planPullRequest(eventName, payload, overrides);
    case 'push':
      return planPush(payload, overrides);
  }
}

function isSupportedEvent(name: string): name is (typeof SUPPORTED_EVENTS)[number] {
  return SUPPORTED_EVENTS.some((supported) => supported === name);
}

function planPullRequest(eventName: string, payload: unknown, overrides: EventPlanOverrides): EventPlan {
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
  return {
    base: overrides.base ?? pr.base.sha,
    head: overrides.head ?? pr.head.sha,
    pullRequest,
    mode: 'pull_request',
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
  return { base: overrides.base ?? before, head: overrides.head ?? after, mode: 'push' };
}

function malformed(eventName: string, error: z.ZodError): ConfigError {
  const problems = error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return new ConfigError(
    `The ${eventName} event payload is not what GitHub sends: ${problems.join('; ')}.`,
    'Check that GITHUB_EVENT_NAME matches the file at GITHUB_EVENT_PATH (the runner writes both).',
  );
}
