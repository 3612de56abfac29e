/**
 * The sticky pull-request comment through GitHub's REST API (Octokit from @actions/github): list the
 * issue's comments, find the one carrying the hidden marker, edit it or create one.
 */
import { getOctokit } from '@actions/github';
import type { PullRequestComments } from '../ports.js';
import { CommentPermissionError } from '../publish/comment-permission-error.js';
import { truncateMarkdown } from '../publish/truncate-markdown.js';

/** GitHub rejects issue comment bodies longer than this (characters). */
export const COMMENT_MAX_CHARS = 65_536;

export interface GitHubCommentsOptions {
  /** GITHUB_TOKEN or a PAT; needs `pull-requests: write` (or `issues: write`). */
  readonly token: string;
  readonly owner: string;
  readonly repo: string;
  /** Pull request (issue) number. */
  readonly issueNumber: number;
  /**
   * REST API root, e.g. `http://127.0.0.1:PORT` for a loopback stand-in. Default: what @actions/github
   * read from GITHUB_API_URL when it was first imported (https://api.github.com outside Actions).
   */
  readonly baseUrl?: string;
}

/**
 * Creates the comments port for one pull request.
 *
 * `upsert` lists every comment (paginated, 100 a page), picks those whose body contains the marker,
 * prefers one written by a bot (the GITHUB_TOKEN's github-actions[bot]) over a user's (a PAT's), then
 * PATCHes it, or POSTs a new comment when none carries the marker (unless `createIfMissing` is false). The body is cut to 65,536 characters
 * with a note, keeping the marker, so the next run finds the comment again.
 *
 * @throws CommentPermissionError (from `upsert`) when GitHub answers 401, 403 (e.g. "Resource not
 *   accessible by integration" for a fork's read-only token) or 404 (the token cannot see the
 *   repository or pull request); other HTTP errors propagate unchanged.
 */
export function createGitHubComments(options: GitHubCommentsOptions): PullRequestComments {
  const octokit = getOctokit(
    options.token,
    options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl },
  );
  const where = { owner: options.owner, repo: options.repo };
  const pr = `${options.owner}/${options.repo}#${options.issueNumber}`;

  return {
    async upsert(marker, body, upsertOptions) {
      const text = commentBody(marker, body);
      const comments = await asPermissionError(`list the comments of ${pr}`, () =>
        octokit.paginate(octokit.rest.issues.listComments, {
          ...where,
          issue_number: options.issueNumber,
          per_page: 100,
        }),
      );
      const marked = comments.filter((comment) => comment.body?.includes(marker) === true);
      const existing = marked.find((comment) => comment.user?.type === 'Bot') ?? marked[0];
      if (existing !== undefined) {
        await asPermissionError(`edit comment ${existing.id} on ${pr}`, () =>
          octokit.rest.issues.updateComment({ ...where, comment_id: existing.id, body: text }),
        );
        return 'updated';
      }
      if (upsertOptions?.createIfMissing === false) return 'absent';
      await asPermissionError(`comment on ${pr}`, () =>
        octokit.rest.issues.createComment({ ...where, issue_number: options.issueNumber, body: text }),
      );
      return 'created';
    },
  };
}

/** The body to send: within GitHub's limit and still carrying the marker. */
function commentBody(marker: string, body: string): string {
  const note = `Truncated to GitHub's ${COMMENT_MAX_CHARS.toLocaleString('en-US')}-character comment limit: the job summary and report.md hold the full report.`;
  const limit = { max: COMMENT_MAX_CHARS, unit: 'chars' } as const;
  const text = truncateMarkdown(body, limit, note);
  // A marker at the end of an oversized body would be cut off: put it first instead.
  return text.includes(marker) ? text : truncateMarkdown(`${marker}\n${body}`, limit, note);
}

async function asPermissionError<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const status = httpStatus(error);
    if (status === 401 || status === 403 || status === 404) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new CommentPermissionError(
        `GitHub answered HTTP ${status} when trying to ${action}: ${reason}`,
        hintFor(status),
        status,
      );
    }
    throw error;
  }
}

function hintFor(status: 401 | 403 | 404): string {
  switch (status) {
    case 401:
      return 'The token was rejected: pass a valid `github-token` (the default `${{ github.token }}` works).';
    case 403:
      return (
        'Give the job `permissions: pull-requests: write`. A pull request from a fork only ever gets a read-only ' +
        'token: there the comment is skipped and the report is in the job summary and this log.'
      );
    case 404:
      return 'Check that the token can read this repository and that the pull request number is right.';
  }
}

/** The HTTP status of an Octokit RequestError (or anything with a numeric `status`). */
function httpStatus(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number') {
    return error.status;
  }
  return undefined;
}
