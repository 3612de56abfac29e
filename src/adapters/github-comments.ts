/**
 * The sticky pull-request comment through GitHub's REST API (Octokit from @actions/github): list the
 * issue's comments, find the one carrying the hidden marker that the token itself wrote, edit it or
 * create one.
 */
import { getOctokit } from '@actions/github';
import { z } from 'zod';
import type { Log, PullRequestComments } from '../ports.js';
import { ACTIONS_BOT_LOGIN, isAuthoredBy, type TokenIdentity } from '../publish/comment-author.js';
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
  /** Where to say that comments carrying the marker were left alone, or that the token's identity is unknown. */
  readonly log: Pick<Log, 'info' | 'warn'>;
}

type Octokit = ReturnType<typeof getOctokit>;

/**
 * Creates the comments port for one pull request.
 *
 * `upsert` lists every comment (paginated, 100 a page) and picks the first whose body contains the
 * marker and whose author is the token's own identity, as sticky-pull-request-comment does
 * (marocchino/sticky-pull-request-comment, src/comment.ts `findPreviousComment`: marker in the body
 * and `author.login` equal to GraphQL `viewer.login` without `[bot]`; see `isAuthoredBy`). A comment
 * carrying the marker that someone else wrote (another tool, a person quoting ours) is never edited:
 * perfgate posts its own. It then PATCHes that comment, or POSTs a new one when it has none (unless
 * `createIfMissing` is false). The body is cut to 65,536 characters with a note, keeping the marker,
 * so the next run finds the comment again.
 *
 * The identity is learned once per port, and only when some comment carries the marker: GraphQL
 * `query { viewer { login } }` (answers for the GITHUB_TOKEN, app tokens and PATs), else REST
 * `GET /user` (PATs), else, with a warning in `log`, the GITHUB_TOKEN's `github-actions[bot]` is
 * assumed.
 *
 * @throws CommentPermissionError (from `upsert`) when GitHub answers 401, 403 (e.g. "Resource not
 *   accessible by integration" for a fork's read-only token) or 404 (the token cannot see the
 *   repository or pull request) to listing, editing or creating; other HTTP errors propagate
 *   unchanged. A failed identity look-up never throws: it falls back as above.
 */
export function createGitHubComments(options: GitHubCommentsOptions): PullRequestComments {
  const octokit = getOctokit(
    options.token,
    options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl },
  );
  const where = { owner: options.owner, repo: options.repo };
  const pr = `${options.owner}/${options.repo}#${options.issueNumber}`;
  let identity: Promise<TokenIdentity> | undefined;

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
      let existing: (typeof marked)[number] | undefined;
      if (marked.length > 0) {
        const self = await (identity ??= learnIdentity(octokit, options.log));
        existing = marked.find((comment) => isAuthoredBy(self, comment.user));
        const others = marked.length - (existing === undefined ? 0 : 1);
        if (others > 0) {
          options.log.info(
            `Left alone ${others} comment(s) on ${pr} carrying perfgate's marker but not written by ${self.login}, this token's identity.`,
          );
        }
      }
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

/**
 * Who the token writes as: GraphQL `viewer`, else REST `GET /user`, else the GITHUB_TOKEN's bot,
 * assumed with a warning. Never throws.
 */
async function learnIdentity(octokit: Octokit, log: Pick<Log, 'warn'>): Promise<TokenIdentity> {
  const failures: string[] = [];
  try {
    const answer = viewerAnswer.safeParse(await octokit.graphql<unknown>('query { viewer { login } }'));
    const login = answer.data?.viewer.login;
    if (login !== undefined) return { login, assumed: false };
    failures.push('GraphQL `viewer` answered no login');
  } catch (error) {
    failures.push(`GraphQL \`viewer\`: ${reasonOf(error)}`);
  }
  try {
    const answer = userAnswer.safeParse(await octokit.rest.users.getAuthenticated());
    const login = answer.data?.data.login;
    if (login !== undefined) return { login, assumed: false };
    failures.push('REST `GET /user` answered no login');
  } catch (error) {
    failures.push(`REST \`GET /user\`: ${reasonOf(error)}`);
  }
  log.warn(
    `Could not learn whose token this is (${failures.join('; ')}). perfgate will edit only a comment ` +
      `carrying its marker written by ${ACTIONS_BOT_LOGIN} (the GITHUB_TOKEN's identity); with another ` +
      'token it posts a new comment on each run.',
  );
  return { login: ACTIONS_BOT_LOGIN, assumed: true };
}

const viewerAnswer = z.object({ viewer: z.object({ login: z.string().min(1) }) });
const userAnswer = z.object({ data: z.object({ login: z.string().min(1) }) });

function reasonOf(error: unknown): string {
  const status = httpStatus(error);
  const message = error instanceof Error ? error.message : String(error);
  return status === undefined ? message : `HTTP ${status}: ${message}`;
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
