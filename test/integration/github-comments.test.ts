// The real Octokit-based comments adapter against the loopback GitHub stand-in.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubComments } from '../../src/adapters/github-comments.js';
import { CommentPermissionError } from '../../src/publish/comment-permission-error.js';
import { commentMarker } from '../../src/publish/comment-marker.js';
import {
  ACTIONS_BOT,
  startGitHubStandIn,
  type GitHubStandIn,
  type StandInUser,
} from '../e2e/github-stand-in.js';

const marker = commentMarker('perfgate.yml');
/** Another app writing into the same pull request, e.g. a second perf tool copying our marker. */
const OTHER_BOT: StandInUser = { login: 'other-perf-tool[bot]', id: 90000001, type: 'Bot' };
/** A person whose PAT the workflow passes as `github-token`. */
const PAT_USER: StandInUser = { login: 'perf-robot', id: 777, type: 'User' };

describe('createGitHubComments', () => {
  let standIn: GitHubStandIn;
  beforeAll(async () => {
    standIn = await startGitHubStandIn();
  });
  afterAll(async () => {
    await standIn.close();
  });
  beforeEach(() => {
    standIn.comments.length = 0;
    standIn.requests.length = 0;
    standIn.failCommentsWith = undefined;
    standIn.identity = ACTIONS_BOT;
    standIn.failGraphqlWith = undefined;
    standIn.failUserWith = undefined;
    logged.length = 0;
  });
  const logged: string[] = [];
  const log = {
    info: (message: string) => logged.push(`info: ${message}`),
    warn: (message: string) => logged.push(`warn: ${message}`),
  };
  const comments = (issueNumber: number) =>
    createGitHubComments({
      token: 'ghs_test',
      owner: 'acme',
      repo: 'shop',
      issueNumber,
      baseUrl: standIn.url,
      log,
    });
  const calls = () =>
    standIn.requests.map((request) => `${request.method} ${request.path.replace(/\?.*/, '')}`);

  it('with createIfMissing false, edits an existing comment but never creates one', async () => {
    expect(await comments(51).upsert(marker, `${marker}\nfixed`, { createIfMissing: false })).toBe('absent');
    expect(standIn.comments).toHaveLength(0);
    await comments(51).upsert(marker, `${marker}\nregression`);
    expect(await comments(51).upsert(marker, `${marker}\nfixed`, { createIfMissing: false })).toBe('updated');
    expect(standIn.comments).toMatchObject([{ issue: 51, body: `${marker}\nfixed` }]);
  });

  it('creates the comment once, then edits that same comment', async () => {
    expect(await comments(42).upsert(marker, `${marker}\nfirst report`)).toBe('created');
    expect(await comments(42).upsert(marker, `${marker}\nsecond report`)).toBe('updated');
    expect(standIn.comments).toHaveLength(1);
    expect(standIn.comments[0]).toMatchObject({
      issue: 42,
      body: `${marker}\nsecond report`,
      user: ACTIONS_BOT,
    });
    // The identity is asked only once some comment carries the marker.
    expect(calls()).toEqual([
      'GET /repos/acme/shop/issues/42/comments',
      'POST /repos/acme/shop/issues/42/comments',
      'GET /repos/acme/shop/issues/42/comments',
      'POST /graphql',
      `PATCH /repos/acme/shop/issues/comments/${standIn.comments[0]?.id}`,
    ]);
    expect(standIn.requests.every((request) => request.authorization === 'token ghs_test')).toBe(true);
  });

  it('follows pagination to find its comment on page 2', async () => {
    for (let i = 0; i < 110; i++) standIn.addComment(7, `review comment ${i}`);
    const ours = standIn.addComment(7, `${marker}\nold report`, ACTIONS_BOT);
    for (let i = 0; i < 5; i++) standIn.addComment(7, `later comment ${i}`);
    expect(await comments(7).upsert(marker, `${marker}\nnew report`)).toBe('updated');
    expect(ours.body).toBe(`${marker}\nnew report`);
    expect(standIn.comments).toHaveLength(116);
    const pages = standIn.requests
      .filter((request) => request.method === 'GET')
      .map((request) => new URL(request.path, standIn.url));
    expect(pages.map((url) => url.searchParams.get('page') ?? '1')).toEqual(['1', '2']);
    expect(pages.every((url) => url.searchParams.get('per_page') === '100')).toBe(true);
  });

  it("edits its own comment, not a person's quoting the marker, and ignores other configs' markers", async () => {
    const quoted = standIn.addComment(9, `I copied this: ${marker}`);
    const other = standIn.addComment(
      9,
      `${commentMarker('services/b/perfgate.yml')}\nother gate`,
      ACTIONS_BOT,
    );
    const ours = standIn.addComment(9, `${marker}\nold`, ACTIONS_BOT);
    await comments(9).upsert(marker, `${marker}\nnew`);
    expect([quoted.body, other.body, ours.body]).toEqual([
      `I copied this: ${marker}`,
      `${commentMarker('services/b/perfgate.yml')}\nother gate`,
      `${marker}\nnew`,
    ]);
  });

  it("leaves another bot's comment carrying our marker alone and creates its own", async () => {
    const theirs = standIn.addComment(11, `${marker}\nother tool's report`, OTHER_BOT);
    expect(await comments(11).upsert(marker, `${marker}\nour report`)).toBe('created');
    expect(standIn.comments.map((comment) => [comment.user.login, comment.body])).toEqual([
      ['other-perf-tool[bot]', `${marker}\nother tool's report`],
      ['github-actions[bot]', `${marker}\nour report`],
    ]);
    expect(theirs.body).toBe(`${marker}\nother tool's report`);
    expect(logged).toEqual([
      expect.stringMatching(/^info: Left alone 1 comment\(s\) .* github-actions\[bot\]/),
    ]);
    // The next run finds its own comment, and still leaves theirs alone.
    expect(await comments(11).upsert(marker, `${marker}\nsecond report`)).toBe('updated');
    expect(standIn.comments.map((comment) => comment.body)).toEqual([
      `${marker}\nother tool's report`,
      `${marker}\nsecond report`,
    ]);
  });

  it("with a PAT, updates the PAT user's earlier comment, not github-actions[bot]'s", async () => {
    standIn.identity = PAT_USER;
    const bots = standIn.addComment(12, `${marker}\nfrom another workflow`, ACTIONS_BOT);
    const ours = standIn.addComment(12, `${marker}\nold`, PAT_USER);
    expect(await comments(12).upsert(marker, `${marker}\nnew`)).toBe('updated');
    expect([bots.body, ours.body]).toEqual([`${marker}\nfrom another workflow`, `${marker}\nnew`]);
    expect(standIn.comments).toHaveLength(2);
    expect(logged.filter((line) => line.startsWith('warn:'))).toEqual([]);
  });

  it('learns the identity from GET /user when GraphQL is refused, once per port', async () => {
    standIn.identity = PAT_USER;
    standIn.failGraphqlWith = 403;
    const ours = standIn.addComment(13, `${marker}\nold`, PAT_USER);
    const port = comments(13);
    expect(await port.upsert(marker, `${marker}\nnew`)).toBe('updated');
    expect(await port.upsert(marker, `${marker}\nnewer`)).toBe('updated');
    expect(ours.body).toBe(`${marker}\nnewer`);
    expect(calls().filter((call) => call === 'POST /graphql' || call === 'GET /user')).toEqual([
      'POST /graphql',
      'GET /user',
    ]);
    expect(logged.filter((line) => line.startsWith('warn:'))).toEqual([]);
  });

  it('when the identity cannot be learned, warns and edits only github-actions[bot] comments', async () => {
    standIn.failGraphqlWith = 403;
    standIn.failUserWith = 403;
    const theirs = standIn.addComment(14, `${marker}\nother tool`, OTHER_BOT);
    const ours = standIn.addComment(14, `${marker}\nold`, ACTIONS_BOT);
    expect(await comments(14).upsert(marker, `${marker}\nnew`)).toBe('updated');
    expect([theirs.body, ours.body]).toEqual([`${marker}\nother tool`, `${marker}\nnew`]);
    const warnings = logged.filter((line) => line.startsWith('warn:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /Could not learn whose token this is \(GraphQL `viewer`: HTTP 403: .*; REST `GET \/user`: HTTP 403: /,
    );
    expect(warnings[0]).toMatch(/written by github-actions\[bot\]/);
  });

  it('keeps the comment within 65,536 characters and keeps the marker', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `| scenario-${i} | +1.0% |`).join('\n');
    await comments(3).upsert(marker, `${rows}\n${marker}\n`);
    const body = standIn.comments[0]?.body ?? '';
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body.startsWith(`${marker}\n| scenario-0 |`)).toBe(true);
    expect(body).toMatch(/> Truncated to GitHub's 65,536-character comment limit/);
    expect(await comments(3).upsert(marker, `${marker}\nshort`)).toBe('updated');
  });

  it('turns a 403 into CommentPermissionError and writes nothing', async () => {
    standIn.failCommentsWith = 403;
    const error = await comments(5)
      .upsert(marker, `${marker}\nreport`)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommentPermissionError);
    expect(error instanceof CommentPermissionError && [error.status, error.message, error.hint]).toEqual([
      403,
      expect.stringContaining('Resource not accessible by integration'),
      expect.stringContaining('pull-requests: write'),
    ]);
    // The hint names only what exists today: job permissions, and the summary for forks.
    expect(error instanceof CommentPermissionError && error.hint).toMatch(/job summary/);
    expect(error instanceof CommentPermissionError && error.hint).not.toMatch(/workflow_run/);
    expect(standIn.comments).toHaveLength(0);
  });

  it('lets other HTTP failures through unchanged', async () => {
    standIn.failCommentsWith = 502;
    const error = await comments(5)
      .upsert(marker, `${marker}\nreport`)
      .catch((caught: unknown) => caught);
    expect(error).not.toBeInstanceOf(CommentPermissionError);
    expect(error).toMatchObject({ status: 502 });
  });
});
