/**
 * Finds the stored baseline of a gate on GitHub: the latest successful `push` run of the same
 * workflow on the base branch, in this repository (never a fork's branch of the same name), and its
 * results artifact, downloaded with @actions/artifact (`findBy`: REST, the 302 to the blob).
 *
 * REST calls (token needs `actions: read`):
 * - `GET /repos/{o}/{r}/actions/workflows/{file}/runs?branch={b}&event=push&status=success`
 * - `GET /repos/{o}/{r}/actions/runs/{id}/artifacts?name={artifact}` (through the artifact client)
 * - `GET /repos/{o}/{r}/actions/artifacts/{id}/zip` → 302 → the zip (through the artifact client)
 * Only `report.json` and `history.json` are taken from the zip (fflate), each size-checked.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import type { Log } from '../ports.js';
import { DEFAULT_HISTORY_MAX_BYTES } from '../history/history-file.js';
import { DEFAULT_REPORT_MAX_BYTES } from '../history/report-file.js';
import { readBaseline, type BaselineFiles, type StoredComparison } from '../history/read-baseline.js';
import { describeError } from '../errors.js';

/** Where to look. */
export interface BaselineQuery {
  /** A token with `actions: read` (the workflow's GITHUB_TOKEN). */
  readonly token: string;
  readonly owner: string;
  readonly repo: string;
  /** Numeric id of this repository: runs whose head repository is another (a fork) are skipped. */
  readonly repositoryId: number;
  /** The workflow's file name (`perf.yml`), from GITHUB_WORKFLOW_REF. */
  readonly workflow: string;
  /** Branch whose push runs hold baselines (`main`). */
  readonly branch: string;
  /** The results artifact's name (the same in every run of this config). */
  readonly artifactName: string;
  /** This run's id: never its own baseline. */
  readonly currentRunId?: number;
  /** Commit whose run is preferred (a pull request's base commit), when it has one. */
  readonly preferSha?: string;
  /** Hash of this gate's config: a baseline of another config is not comparable. */
  readonly configHash: string;
  /** `https://github.com` (GITHUB_SERVER_URL), for run links. */
  readonly serverUrl: string;
}

/** Runs looked at (newest first) before giving up on finding one with the artifact. */
const MAX_CANDIDATE_RUNS = 5;
/** A results artifact larger than this is not downloaded (profiles and logs are usually a few MB). */
const MAX_ARTIFACT_BYTES = 512 * 1024 * 1024;

interface WorkflowRun {
  readonly id: number;
  readonly head_sha: string;
  readonly head_branch: string | null;
  readonly event: string;
  readonly html_url?: string;
  readonly head_repository?: { readonly id?: number; readonly full_name?: string } | null;
}

/**
 * The stored baseline for `query`, or a notice saying why there is none (no run yet, no artifact,
 * a refused file, a REST error such as a token without `actions: read`). Never throws: a missing
 * baseline must not fail a gate; the gate then measures head and stores it.
 */
export async function findGitHubBaseline(query: BaselineQuery, log: Log): Promise<StoredComparison> {
  try {
    return await find(query, log);
  } catch (error) {
    const status = statusOf(error);
    const hint =
      status === 403 || status === 404
        ? ' (give the workflow `permissions: actions: read`, and check the workflow file name)'
        : '';
    return {
      notice: `could not look up a stored baseline: ${describeError(error)}${hint}. Head was measured and is stored as the next baseline`,
    };
  }
}

async function find(query: BaselineQuery, log: Log): Promise<StoredComparison> {
  const { getOctokit } = await import('@actions/github');
  const octokit = getOctokit(query.token);
  const response = await octokit.request('GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs', {
    owner: query.owner,
    repo: query.repo,
    workflow_id: query.workflow,
    branch: query.branch,
    event: 'push',
    status: 'success',
    per_page: 30,
  });
  const runs = (response.data.workflow_runs as readonly WorkflowRun[]).filter(
    (run) =>
      run.id !== query.currentRunId &&
      run.event === 'push' &&
      run.head_branch === query.branch &&
      run.head_repository?.id === query.repositoryId,
  );
  const skippedForks = response.data.workflow_runs.length - runs.length;
  if (skippedForks > 0)
    log.info(`baseline lookup: ${skippedForks} run(s) of other repositories or events skipped`);
  // The pull request's base commit first, when it was measured; then newest first, as listed.
  const ordered = [
    ...runs.filter((run) => run.head_sha === query.preferSha),
    ...runs.filter((run) => run.head_sha !== query.preferSha),
  ].slice(0, MAX_CANDIDATE_RUNS);
  if (ordered.length === 0) {
    return {
      notice:
        `no baseline yet: no successful push run of ${query.workflow} on ${query.branch} in ${query.owner}/${query.repo}. ` +
        'Head was measured and is stored as the first baseline',
    };
  }
  const { DefaultArtifactClient } = await import('@actions/artifact');
  const client = new DefaultArtifactClient();
  const findBy = {
    token: query.token,
    repositoryOwner: query.owner,
    repositoryName: query.repo,
  };
  const missing: number[] = [];
  for (const run of ordered) {
    const found = await client
      .getArtifact(query.artifactName, { findBy: { ...findBy, workflowRunId: run.id } })
      .catch((error: unknown) => {
        if (error instanceof Error && error.name === 'ArtifactNotFoundError') return undefined;
        throw error;
      });
    if (found === undefined) {
      missing.push(run.id);
      continue;
    }
    const source = `artifact ${query.artifactName} of run ${run.id}`;
    if (found.artifact.size > MAX_ARTIFACT_BYTES) {
      return {
        notice: `the stored baseline was refused: ${source} is ${(found.artifact.size / 2 ** 20).toFixed(1)} MiB, more than perfgate downloads (${MAX_ARTIFACT_BYTES / 2 ** 20} MiB). Head was measured and is stored as the new baseline`,
      };
    }
    const files = await download(client, found.artifact.id, { ...findBy, workflowRunId: run.id });
    const runUrl = run.html_url ?? `${query.serverUrl}/${query.owner}/${query.repo}/actions/runs/${run.id}`;
    return readBaseline(files, { source, runId: run.id, runUrl, branch: query.branch }, query.configHash);
  }
  return {
    notice:
      `no baseline yet: the latest push runs of ${query.workflow} on ${query.branch} (${missing.join(', ')}) have no artifact ${query.artifactName} ` +
      '(expired, or uploaded by another config). Head was measured and is stored as the first baseline',
  };
}

async function download(
  client: import('@actions/artifact').ArtifactClient,
  artifactId: number,
  findBy: { token: string; workflowRunId: number; repositoryOwner: string; repositoryName: string },
): Promise<BaselineFiles> {
  const dir = await mkdtemp(path.join(process.env.RUNNER_TEMP ?? tmpdir(), 'perfgate-baseline-'));
  try {
    // skipDecompress: the zip is read here, only the two files perfgate needs, each size-checked.
    await client.downloadArtifact(artifactId, { path: dir, findBy, skipDecompress: true });
    const [name] = await readdir(dir);
    if (name === undefined) throw new Error(`artifact ${artifactId} downloaded as nothing`);
    const zip = new Uint8Array(await readFile(path.join(dir, name)));
    const limits: Record<string, number> = {
      'report.json': DEFAULT_REPORT_MAX_BYTES,
      'history.json': DEFAULT_HISTORY_MAX_BYTES,
    };
    const oversized: string[] = [];
    const entries = unzipSync(zip, {
      filter: (file) => {
        const limit = limits[file.name];
        if (limit === undefined) return false;
        if (file.originalSize > limit) {
          oversized.push(
            `${file.name} is ${(file.originalSize / 2 ** 20).toFixed(1)} MiB (at most ${limit / 2 ** 20} MiB)`,
          );
          return false;
        }
        return true;
      },
    });
    if (oversized.length > 0) throw new Error(`the artifact's ${oversized.join('; ')}`);
    const text = (file: string): string | undefined => {
      const bytes = entries[file];
      return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
    };
    const report = text('report.json');
    const history = text('history.json');
    return { ...(report === undefined ? {} : { report }), ...(history === undefined ? {} : { history }) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function statusOf(error: unknown): number | undefined {
  return error instanceof Error && 'status' in error && typeof error.status === 'number'
    ? error.status
    : undefined;
}
