/**
 * Turns the planned revisions into the two commits a gate measures: resolves them, and for a pull
 * request checks the merge commit against the event (or finds the merge base), so the gate measures
 * the pull request's own effect. Why: docs/comparison-basis.md.
 */
import type { PlanBasis } from '../plan/event.js';
import type { CommitRef, ComparisonBasis } from '../model/results.js';
import type { Workspace } from '../ports.js';
import { RevisionError } from '../errors.js';

/** The commits to measure and what they stand for. */
export interface ResolvedComparison {
  readonly base: CommitRef;
  readonly head: CommitRef;
  readonly basis: ComparisonBasis;
}

/** What to resolve: revisions as planned, and how they were chosen (default: as named). */
export interface ComparisonRequest {
  readonly base: string;
  readonly head: string;
  readonly basis?: PlanBasis;
  /** Base branch name for labels (`main`), when the event gave one. */
  readonly baseBranch?: string;
}

const FETCH_HINT =
  'check out with `fetch-depth: 0` so the base branch and the pull request history are in the clone';

/**
 * Resolves a {@link ComparisonRequest} through the workspace.
 *
 * - `merge-commit`: the merge commit must be in the clone and its second parent must be the pull
 *   request's head; then head = the merge commit and base = its first parent. Otherwise (a custom
 *   `ref:` in actions/checkout, a shallow clone) it falls back to `merge-base`, saying why in
 *   `basis.fallback`.
 * - `merge-base`: head = the pull request's head, base = `git merge-base` of it and the base tip.
 * - `push`, `given`: both revisions resolved as named.
 * @throws RevisionError when a revision is not in the clone, or the base tip and the pull request's
 *   head share no ancestor in it (a shallow clone); the hint says to fetch the history.
 */
export async function resolveComparison(
  workspace: Pick<Workspace, 'resolve' | 'mergeBase'>,
  request: ComparisonRequest,
): Promise<ResolvedComparison> {
  const basis = request.basis ?? { kind: 'given' };
  const branch = request.baseBranch ?? 'base branch';
  switch (basis.kind) {
    case 'merge-commit': {
      const fallback = await checkMergeCommit(workspace, basis.mergeCommit, basis.pullRequestHead);
      if (fallback === undefined) {
        const [baseSha, headSha] = await Promise.all([
          workspace.resolve(`${basis.mergeCommit}^1`),
          workspace.resolve(basis.mergeCommit),
        ]);
        return {
          base: { ref: branch, sha: baseSha },
          head: { ref: 'merge commit', sha: headSha },
          basis: { kind: 'merge-commit', pullRequestHead: basis.pullRequestHead, baseTip: basis.baseTip },
        };
      }
      return mergeBase(workspace, basis.pullRequestHead, basis.baseTip, branch, fallback);
    }
    case 'merge-base':
      return mergeBase(workspace, basis.pullRequestHead, basis.baseTip, branch);
    case 'push':
    case 'given': {
      const [baseSha, headSha] = await Promise.all([
        workspace.resolve(request.base),
        workspace.resolve(request.head),
      ]);
      return {
        base: { ref: request.base, sha: baseSha },
        head: { ref: request.head, sha: headSha },
        basis: { kind: basis.kind },
      };
    }
  }
}

/** Why the merge commit cannot be used, or undefined when it is the merge of the pull request's head. */
async function checkMergeCommit(
  workspace: Pick<Workspace, 'resolve'>,
  mergeCommit: string,
  pullRequestHead: string,
): Promise<string | undefined> {
  const secondParent = await workspace.resolve(`${mergeCommit}^2`).catch(() => undefined);
  if (secondParent === undefined) {
    const exists = await workspace.resolve(mergeCommit).then(
      () => true,
      () => false,
    );
    return exists
      ? `the checked-out commit ${mergeCommit.slice(0, 7)} (GITHUB_SHA) is not a merge commit`
      : `the merge commit ${mergeCommit.slice(0, 7)} (GITHUB_SHA) is not in the clone`;
  }
  return secondParent === pullRequestHead
    ? undefined
    : `the checked-out commit ${mergeCommit.slice(0, 7)} (GITHUB_SHA) does not merge the pull request's head ${pullRequestHead.slice(0, 7)}`;
}

async function mergeBase(
  workspace: Pick<Workspace, 'resolve' | 'mergeBase'>,
  pullRequestHead: string,
  baseTip: string,
  branch: string,
  fallback?: string,
): Promise<ResolvedComparison> {
  const headSha = await workspace.resolve(pullRequestHead);
  const baseSha = await workspace.mergeBase(baseTip, headSha);
  if (baseSha === undefined) {
    throw new RevisionError(
      `the ${branch} tip ${baseTip.slice(0, 7)} and the pull request's head ${pullRequestHead.slice(0, 7)} have no common ancestor in the clone, so the commit the pull request branched from cannot be found`,
      FETCH_HINT,
    );
  }
  return {
    base: { ref: `merge base with ${branch}`, sha: baseSha },
    head: { ref: 'pull request head', sha: headSha },
    basis: {
      kind: 'merge-base',
      pullRequestHead,
      baseTip,
      ...(fallback === undefined ? {} : { fallback }),
    },
  };
}
