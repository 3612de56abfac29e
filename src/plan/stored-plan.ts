/**
 * How the action compares head on this event (`baseline` input), and, against a stored baseline,
 * where to look for it. Pure: the caller passes the payload and the runner's environment.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { planFromEvent, type EventPlanOverrides, type RunnerCheckout } from './event.js';

/** The `baseline` input: how head is compared. */
export type BaselineInput = 'same-runner' | 'stored' | 'auto';

/** Every value the `baseline` input accepts. */
export const BASELINE_INPUTS: readonly BaselineInput[] = ['same-runner', 'stored', 'auto'];

/**
 * The comparison mode for `input` on `eventName`: `auto` is same-runner on pull requests (the most
 * sensitive mode, and what a reviewer wants) and stored on pushes (one build per push, and a
 * history that grows).
 */
export function comparisonModeFor(input: BaselineInput, eventName: string): 'same-runner' | 'stored' {
  if (input !== 'auto') return input;
  return eventName === 'push' ? 'stored' : 'same-runner';
}

/** Where a gate against a stored baseline looks, and what it measures. */
export interface StoredPlan {
  /** Revision to measure: the push's `after`, the pull request's merge or head commit, or `head`. */
  readonly head: string;
  /** Branch whose push runs hold the baseline: the pushed branch, or the pull request's base. */
  readonly branch: string;
  /** Commit whose stored run is preferred: a pull request's base commit, a push's previous commit. */
  readonly preferSha?: string;
  readonly pullRequest?: number;
  /** Whether this run's result extends the branch's history (push runs do; pull requests never). */
  readonly recordsHistory: boolean;
}

const pushPayload = z.object({
  after: z.string().regex(/^[0-9a-f]{40}$/),
  before: z.string().optional(),
  ref: z.string(),
});

/** Git's "no commit" in a push payload (`before` of a branch's first push). */
const NULL_SHA = '0'.repeat(40);
const pullRequestPayload = z.object({
  pull_request: z.object({ base: z.object({ sha: z.string(), ref: z.string() }) }),
});

/**
 * Plans a gate against a stored baseline. On a push the first push of a branch needs no `base`:
 * only head is measured.
 * @throws ConfigError for an event other than push and pull_request(_target), or a payload
 *   without the fields read (`ref` and `after` of a push, `pull_request.base` of a pull request).
 */
export function planStored(
  eventName: string,
  payload: unknown,
  overrides: EventPlanOverrides = {},
  runner: RunnerCheckout = {},
): StoredPlan {
  if (eventName === 'push') {
    const parsed = pushPayload.safeParse(payload);
    if (!parsed.success || !parsed.data.ref.startsWith('refs/heads/'))
      throw new ConfigError(
        'the push event names no branch and commit (`ref` refs/heads/… and `after`), so there is no branch to keep baselines for',
        'use `baseline: stored` on pushes of branches (not tags), or `baseline: same-runner` with `base`',
      );
    const before = parsed.data.before;
    return {
      head: overrides.head ?? parsed.data.after,
      branch: parsed.data.ref.slice('refs/heads/'.length),
      ...(before !== undefined && /^[0-9a-f]{40}$/.test(before) && before !== NULL_SHA
        ? { preferSha: before }
        : {}),
      recordsHistory: true,
    };
  }
  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    const plan = planFromEvent(eventName, payload, overrides, runner);
    const parsed = pullRequestPayload.safeParse(payload);
    if (!parsed.success)
      throw new ConfigError(
        `the ${eventName} event names no base branch (pull_request.base.ref), so there is no stored baseline to look for`,
        'check that GITHUB_EVENT_PATH points at the event file the runner wrote',
      );
    const base = parsed.data.pull_request.base;
    return {
      head: plan.head,
      branch: base.ref,
      preferSha: base.sha,
      ...(plan.pullRequest === undefined ? {} : { pullRequest: plan.pullRequest }),
      recordsHistory: false,
    };
  }
  throw new ConfigError(
    `perfgate cannot compare against a stored baseline on the "${eventName}" event: it keeps baselines per branch from push runs.`,
    'use `baseline: stored` (or auto) on push and pull_request events',
  );
}
