// A loopback stand-in for the part of GitHub's REST API that the sticky comment uses, answering as
// api.github.com does (status codes, JSON bodies, `link` pagination headers), so the real Octokit
// client can be pointed at it with GITHUB_API_URL or `baseUrl`. It also answers the token's identity:
// GraphQL `viewer { login }` (POST /graphql) and REST GET /user. For stored baselines it answers the
// Actions REST calls: a workflow's runs (filtered by branch, event and status as GitHub does), a
// run's artifacts by name, and an artifact's zip as the 302 redirect to its blob.
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';

/** A user as the API reports it (`type` is `Bot` for github-actions[bot]). */
export interface StandInUser {
  login: string;
  id: number;
  type: 'Bot' | 'User';
}

export interface StandInComment {
  id: number;
  /** Issue (pull request) number the comment belongs to. */
  issue: number;
  body: string;
  user: StandInUser;
}

export interface StandInRequest {
  method: string;
  /** Path with query string, e.g. `/repos/acme/shop/issues/42/comments?per_page=100&page=2`. */
  path: string;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
  /** The `authorization` header as sent (Octokit sends `token <token>`). */
  authorization: string | undefined;
}

/** A workflow run as the Actions REST API lists it (the fields perfgate reads, and a few more). */
export interface StandInWorkflowRun {
  id: number;
  /** The workflow's file name (`perf.yml`). */
  workflow: string;
  head_sha: string;
  head_branch: string;
  event: string;
  conclusion: 'success' | 'failure';
  /** The repository the run's commit came from: a fork's id differs from the base repository's. */
  head_repository: { id: number; full_name: string };
}

/** An artifact of a run, and where its zip's download redirects to. */
export interface StandInRunArtifact {
  runId: number;
  id: number;
  name: string;
  size: number;
  /** The blob URL the zip download redirects to (e.g. the artifact stand-in's). */
  zipUrl: string;
}

export interface GitHubStandIn {
  /** Runs that `GET …/actions/workflows/{file}/runs` lists, newest (highest id) first. Tests seed it. */
  readonly workflowRuns: StandInWorkflowRun[];
  /** Artifacts `GET …/actions/runs/{id}/artifacts` lists and `…/artifacts/{id}/zip` serves. */
  readonly runArtifacts: StandInRunArtifact[];
  /** Zips served at `GET /blobs/{name}` (a blob store of the stand-in's own, for crafted artifacts). */
  readonly blobs: Map<string, Buffer>;
  /** `http://127.0.0.1:PORT`: use as GITHUB_API_URL / Octokit `baseUrl`. */
  readonly url: string;
  /** Every comment, on every issue, oldest first (the API's order). Tests may read and seed it. */
  readonly comments: StandInComment[];
  /** Every request received, in order. */
  readonly requests: StandInRequest[];
  /** When set, comment writes (POST, PATCH) answer this status; 403 with GitHub's fork-token message. */
  failCommentsWith: number | undefined;
  /**
   * Whom the token belongs to (default github-actions[bot], the GITHUB_TOKEN): GraphQL `viewer.login`
   * answers its login, and comments created through the API are written by it. GET /user answers it
   * for a `User` and, as GitHub does for an installation token, 403 for a `Bot`.
   */
  identity: StandInUser;
  /** When set, POST /graphql (the `viewer` look-up) answers this status. */
  failGraphqlWith: number | undefined;
  /** When set, GET /user answers this status. */
  failUserWith: number | undefined;
  /** Adds a comment as if written earlier (default author: a human `octocat`). */
  addComment(issue: number, body: string, user?: StandInUser): StandInComment;
  close(): Promise<void>;
}

/** The author of comments created through the API: what GITHUB_TOKEN writes as. */
export const ACTIONS_BOT: StandInUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
const OCTOCAT: StandInUser = { login: 'octocat', id: 583231, type: 'User' };

// GitHub's own limits: 100 items per page at most, 30 by default; 65,536 characters per comment.
const MAX_PER_PAGE = 100;
const DEFAULT_PER_PAGE = 30;
const MAX_COMMENT_CHARS = 65_536;
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

const WORKFLOW_RUNS = /^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/([^/]+)\/runs$/;
const RUN_ARTIFACTS = /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)\/artifacts$/;
const ARTIFACT_ZIP = /^\/repos\/([^/]+)\/([^/]+)\/actions\/artifacts\/(\d+)\/zip$/;
const LIST_OR_CREATE = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/;
const EDIT = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/;

/** Starts the stand-in on 127.0.0.1 with a free port. Call `close()` when done. */
export async function startGitHubStandIn(): Promise<GitHubStandIn> {
  let nextId = 1_000_001;
  const comments: StandInComment[] = [];
  const requests: StandInRequest[] = [];
  const workflowRuns: StandInWorkflowRun[] = [];
  const runArtifacts: StandInRunArtifact[] = [];
  const blobs = new Map<string, Buffer>();

  const server = createServer((req, res) => {
    void readJson(req).then(
      (body) => {
        const url = new URL(req.url ?? '/', standIn.url);
        requests.push({
          method: req.method ?? '',
          path: url.pathname + url.search,
          body,
          authorization: req.headers.authorization,
        });
        route(req.method ?? '', url, body, res);
      },
      (error: unknown) => send(res, 400, { message: `Problems parsing JSON: ${String(error)}` }),
    );
  });

  function route(method: string, url: URL, body: unknown, res: ServerResponse): void {
    const list = LIST_OR_CREATE.exec(url.pathname);
    const edit = EDIT.exec(url.pathname);
    if (url.pathname === '/graphql' && method === 'POST') return answerGraphql(body, res);
    if (url.pathname === '/user' && method === 'GET') {
      if (standIn.failUserWith !== undefined) return sendFailure(res, standIn.failUserWith);
      if (standIn.identity.type === 'Bot') return sendFailure(res, 403);
      return send(res, 200, { ...standIn.identity, node_id: `U_${standIn.identity.id}`, site_admin: false });
    }
    const blob = /^\/blobs\/([^/]+)$/.exec(url.pathname);
    if (blob && method === 'GET') {
      const zip = blobs.get(decodeURIComponent(blob[1] ?? ''));
      if (zip === undefined) return send(res, 404, notFound);
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': zip.length });
      res.end(zip);
      return;
    }
    const runsOf = WORKFLOW_RUNS.exec(url.pathname);
    if (runsOf && method === 'GET') return listWorkflowRuns(decodeURIComponent(runsOf[3] ?? ''), url, res);
    const artifactsOf = RUN_ARTIFACTS.exec(url.pathname);
    if (artifactsOf && method === 'GET') {
      const name = url.searchParams.get('name');
      const listed = runArtifacts
        .filter((a) => a.runId === Number(artifactsOf[3]) && (name === null || a.name === name))
        .map((a) => ({
          id: a.id,
          node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
          name: a.name,
          size_in_bytes: a.size,
          archive_download_url: `${standIn.url}/repos/acme/shop/actions/artifacts/${a.id}/zip`,
          expired: false,
          created_at: '2026-12-02T10:00:00Z',
          workflow_run: { id: a.runId },
        }));
      return send(res, 200, { total_count: listed.length, artifacts: listed });
    }
    const zip = ARTIFACT_ZIP.exec(url.pathname);
    if (zip && method === 'GET') {
      const artifact = runArtifacts.find((a) => a.id === Number(zip[3]));
      if (artifact === undefined) return send(res, 404, notFound);
      res.writeHead(302, { location: artifact.zipUrl, 'content-length': 0 });
      res.end();
      return;
    }
    if (list && method === 'GET') return listComments(Number(list[3]), url, res);
    if ((list && method === 'POST') || (edit && method === 'PATCH')) {
      if (standIn.failCommentsWith !== undefined) return sendFailure(res, standIn.failCommentsWith);
      const text = bodyText(body);
      if (text === undefined)
        return send(res, 422, validationFailed('body', 'missing_field', 'body is missing'));
      if (text.length > MAX_COMMENT_CHARS) {
        return send(
          res,
          422,
          validationFailed('body', 'custom', `body is too long (maximum is ${MAX_COMMENT_CHARS} characters)`),
        );
      }
      if (list) return send(res, 201, toJson(standIn.addComment(Number(list[3]), text, standIn.identity)));
      const comment = comments.find((candidate) => candidate.id === Number(edit?.[3]));
      if (comment === undefined) return send(res, 404, notFound);
      comment.body = text;
      return send(res, 200, toJson(comment));
    }
    send(res, 404, notFound);
  }

  /** Only `viewer { login }` is known; anything else gets GitHub's 200-with-errors answer. */
  function answerGraphql(body: unknown, res: ServerResponse): void {
    if (standIn.failGraphqlWith !== undefined) return sendFailure(res, standIn.failGraphqlWith);
    const query =
      typeof body === 'object' && body !== null && 'query' in body && typeof body.query === 'string'
        ? body.query
        : '';
    if (/\bviewer\s*\{\s*login\s*\}/.test(query)) {
      return send(res, 200, { data: { viewer: { login: standIn.identity.login } } });
    }
    send(res, 200, { errors: [{ type: 'UNKNOWN', message: `the stand-in cannot answer ${query}` }] });
  }

  /** GitHub's filters: `branch`, `event`, and `status=success` meaning the conclusion. */
  function listWorkflowRuns(workflow: string, url: URL, res: ServerResponse): void {
    const branch = url.searchParams.get('branch');
    const event = url.searchParams.get('event');
    const status = url.searchParams.get('status');
    const listed = workflowRuns
      .filter(
        (run) =>
          run.workflow === workflow &&
          (branch === null || run.head_branch === branch) &&
          (event === null || run.event === event) &&
          (status === null || run.conclusion === status),
      )
      .sort((a, b) => b.id - a.id)
      .map((run) => ({
        ...run,
        status: 'completed',
        html_url: `https://github.com/acme/shop/actions/runs/${run.id}`,
        path: `.github/workflows/${run.workflow}`,
      }));
    send(res, 200, { total_count: listed.length, workflow_runs: listed });
  }

  function listComments(issue: number, url: URL, res: ServerResponse): void {
    const perPage = Math.min(MAX_PER_PAGE, positive(url.searchParams.get('per_page')) ?? DEFAULT_PER_PAGE);
    const page = positive(url.searchParams.get('page')) ?? 1;
    const onIssue = comments.filter((comment) => comment.issue === issue);
    const lastPage = Math.max(1, Math.ceil(onIssue.length / perPage));
    const links: string[] = [];
    const pageUrl = (n: number): string => {
      const target = new URL(url.pathname, standIn.url);
      target.searchParams.set('per_page', String(perPage));
      target.searchParams.set('page', String(n));
      return target.toString();
    };
    if (page < lastPage)
      links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(lastPage)}>; rel="last"`);
    if (page > 1)
      links.push(`<${pageUrl(1)}>; rel="first"`, `<${pageUrl(Math.min(page - 1, lastPage))}>; rel="prev"`);
    const headers: Record<string, string> = links.length > 0 ? { link: links.join(', ') } : {};
    send(res, 200, onIssue.slice((page - 1) * perPage, page * perPage).map(toJson), headers);
  }

  function toJson(comment: StandInComment): Record<string, unknown> {
    return {
      id: comment.id,
      node_id: `IC_${comment.id}`,
      url: `${standIn.url}/repos/acme/shop/issues/comments/${comment.id}`,
      html_url: `https://github.invalid/acme/shop/pull/${comment.issue}#issuecomment-${comment.id}`,
      issue_url: `${standIn.url}/repos/acme/shop/issues/${comment.issue}`,
      body: comment.body,
      user: { ...comment.user, node_id: `U_${comment.user.id}`, site_admin: false },
      created_at: '2026-11-26T10:00:00Z',
      updated_at: '2026-11-26T10:00:00Z',
      author_association: comment.user.type === 'Bot' ? 'NONE' : 'MEMBER',
    };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('the stand-in is not listening on TCP');
  const { port } = address;

  const standIn: GitHubStandIn = {
    url: `http://127.0.0.1:${port}`,
    workflowRuns,
    runArtifacts,
    blobs,
    comments,
    requests,
    failCommentsWith: undefined,
    identity: ACTIONS_BOT,
    failGraphqlWith: undefined,
    failUserWith: undefined,
    addComment(issue, body, user = OCTOCAT) {
      const comment = { id: nextId++, issue, body, user };
      comments.push(comment);
      return comment;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
  return standIn;
}

const notFound = { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' };

function validationFailed(field: string, code: string, message: string) {
  return { message: 'Validation Failed', errors: [{ resource: 'IssueComment', code, field, message }] };
}

function sendFailure(res: ServerResponse, status: number): void {
  const message =
    status === 403 ? 'Resource not accessible by integration' : (STATUS_CODES[status] ?? 'Error');
  send(res, status, { message, documentation_url: 'https://docs.github.com/rest/issues/comments' });
}

function send(
  res: ServerResponse,
  status: number,
  json: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(json);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function positive(value: string | null): number | undefined {
  const n = Number(value);
  return value !== null && Number.isInteger(n) && n > 0 ? n : undefined;
}

function bodyText(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('body' in body)) return undefined;
  return typeof body.body === 'string' ? body.body : undefined;
}

/** Reads a JSON request body (undefined when empty); rejects on malformed JSON or > 4 MiB. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_REQUEST_BYTES) throw new Error('request body too large');
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : JSON.parse(text);
}
