// Stored baselines end to end: the bundled action on push and pull-request events against loopback
// stand-ins of the REST API and the artifact service. A first push run finds no baseline, exits 0
// and uploads its results with a one-run history; a second push run finds the first (REST list of
// runs, the run's artifact by name, the 302 to the blob), compares, and carries the history forward;
// a pull request with `baseline: stored` compares against the base commit's run; a fork's run on a
// branch of the same name is never used.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strToU8, unzipSync, zipSync } from 'fflate';
import {
  makeRepo,
  PROFILES_OFF,
  pullRequestEvent,
  STDLIB_SEARCH_CONFIG,
  slowedStdlibApp,
} from './make-repo.js';
import { startGitHubStandIn, type GitHubStandIn } from './github-stand-in.js';
import {
  fakeRuntimeToken,
  startArtifactStandIn,
  type ArtifactStandIn,
  type StoredArtifact,
} from './artifact-stand-in.js';
import { removeRunnerDir, runAction, type ActionRun } from './run-action.js';
import type { GateReport } from '../../src/model/results.js';
import type { History } from '../../src/history/model.js';

const config = `${STDLIB_SEARCH_CONFIG}gate:
  trials: 12
  min-trials: 6
${PROFILES_OFF}`;
// Twice the CPU per request: a stored comparison adds the run-to-run spread (7% per run by
// default) to its uncertainty, so the step must stand well clear of it.
const regressed = slowedStdlibApp(1.0);
const nodePath = process.env.PERFGATE_TEST_NODE;
const REPOSITORY_ID = 4711;
const NAME = 'perfgate-perfgate';

/** The files of an uploaded artifact's zip, as text. */
function filesOf(artifact: StoredArtifact): Record<string, string> {
  const entries = unzipSync(new Uint8Array(artifact.zip));
  return Object.fromEntries(
    Object.entries(entries).map(([name, bytes]) => [name, new TextDecoder().decode(bytes)]),
  );
}

describe('the action against stored baselines', () => {
  const repo = makeRepo('stdlib', { 'app.py': regressed }, { 'perfgate.yml': config });
  const baseSha = repo.git('rev-parse', 'HEAD~1');
  const headSha = repo.git('rev-parse', 'HEAD');
  let github: GitHubStandIn;
  /** One artifact service per run: artifact names are unique per run. */
  const services: ArtifactStandIn[] = [];
  const runs: ActionRun[] = [];
  beforeAll(async () => {
    github = await startGitHubStandIn();
  });
  afterAll(async () => {
    await github.close();
    for (const service of services) await service.close();
    for (const run of runs) removeRunnerDir(run);
    repo.remove();
  });

  async function run(runId: number, eventName: string, event: object, inputs: Record<string, string> = {}) {
    const service = await startArtifactStandIn();
    services.push(service);
    const result = await runAction({
      cwd: repo.dir,
      eventName,
      event,
      inputs: { config: 'perfgate.yml', 'github-token': 'ghs_test', baseline: 'stored', ...inputs },
      apiUrl: github.url,
      env: {
        ACTIONS_RUNTIME_TOKEN: fakeRuntimeToken(),
        ACTIONS_RESULTS_URL: service.url,
        GITHUB_RUN_ID: String(runId),
        GITHUB_REPOSITORY_ID: String(REPOSITORY_ID),
        GITHUB_WORKFLOW_REF: 'acme/shop/.github/workflows/perf.yml@refs/heads/main',
      },
      ...(nodePath ? { nodePath } : {}),
    });
    runs.push(result);
    return { result, service };
  }

  /** What the REST API lists once run `runId` of `sha` succeeded and its artifact is stored. */
  function recordRun(runId: number, sha: string, service: ArtifactStandIn, repositoryId = REPOSITORY_ID) {
    const artifact = service.artifacts.find((a) => a.name === NAME);
    if (artifact === undefined) throw new Error(`run ${runId} uploaded no ${NAME}`);
    github.workflowRuns.push({
      id: runId,
      workflow: 'perf.yml',
      head_sha: sha,
      head_branch: 'main',
      event: 'push',
      conclusion: 'success',
      head_repository: {
        id: repositoryId,
        full_name: repositoryId === REPOSITORY_ID ? 'acme/shop' : 'mallory/shop',
      },
    });
    github.runArtifacts.push({
      runId,
      id: artifact.id,
      name: NAME,
      size: artifact.zip.length,
      zipUrl: `${service.url}blob/${NAME}?sig=fake-read`,
    });
  }

  const push = (before: string, after: string) => ({
    ref: 'refs/heads/main',
    before,
    after,
    head_commit: {
      message: `measure ${after.slice(0, 7)}\n\nThe body is not kept.`,
      url: `https://github.com/acme/shop/commit/${after}`,
      author: { name: 'Ada Lovelace', username: 'ada' },
    },
    repository: { id: REPOSITORY_ID, name: 'shop', owner: { login: 'acme' } },
  });

  it('first push run: no baseline yet, exit 0, uploads its results with a one-run history', async () => {
    // The first push of the branch: no `before` commit, and stored mode needs none.
    const { result, service } = await run(5001, 'push', push('0'.repeat(40), baseSha));
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/no baseline yet: no successful push run of perf\.yml on main/);
    expect(result.summary).toMatch(/No stored baseline to compare with/);
    const files = filesOf(service.artifacts[0]!);
    const report = JSON.parse(files['report.json']!) as GateReport;
    expect(report).toMatchObject({ mode: 'stored', head: { sha: baseSha }, comparisons: [] });
    const history = JSON.parse(files['history.json']!) as History;
    expect(history.entries.map((entry) => [entry.sha, entry.runId, entry.branch])).toEqual([
      [baseSha, 5001, 'main'],
    ]);
    expect(history.entries[0]?.commit).toEqual({
      message: `measure ${baseSha.slice(0, 7)}`,
      author: 'ada',
      url: `https://github.com/acme/shop/commit/${baseSha}`,
    });
    recordRun(5001, baseSha, service);
  });

  it('second push run: finds the first through REST and the artifact service, compares, extends the history', async () => {
    // A fork's run on its own `main`, newer than ours, with our artifact's name: never a baseline.
    const fork = services[0]!;
    recordRun(5900, headSha, fork, 999);
    const { result, service } = await run(5002, 'push', push(baseSha, headSha), {
      'fail-on-regression': 'true',
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(result.outputs.verdict).toBe('regression');
    expect(result.summary).toMatch(/against the stored baseline/);
    // The branch's history in the summary: change points, then the gated metric's trend.
    expect(result.summary).toMatch(/## perfgate: history of <code>main<\/code>/);
    expect(result.summary).toMatch(/No change point in 2 runs/);
    expect(result.summary).toContain('xychart-beta');
    // It listed push runs of main that succeeded, then that run's artifact by name, then the zip.
    const paths = github.requests.map((request) => request.path);
    expect(paths).toContainEqual(
      expect.stringMatching(
        /\/actions\/workflows\/perf\.yml\/runs\?.*branch=main.*event=push.*status=success/,
      ),
    );
    expect(paths).toContainEqual(
      expect.stringMatching(/\/actions\/runs\/5001\/artifacts\?name=perfgate-perfgate/),
    );
    expect(paths).not.toContainEqual(expect.stringMatching(/\/actions\/runs\/5900\//));
    const files = filesOf(service.artifacts[0]!);
    const report = JSON.parse(files['report.json']!) as GateReport;
    expect(report).toMatchObject({
      mode: 'stored',
      verdict: 'regression',
      baseline: { sha: baseSha, runId: 5001, source: 'artifact perfgate-perfgate of run 5001' },
    });
    expect(report.trials.every((trial) => trial.side === 'head')).toBe(true);
    const history = JSON.parse(files['history.json']!) as History;
    expect(history.entries.map((entry) => entry.sha)).toEqual([baseSha, headSha]);
    github.workflowRuns.splice(0); // the regressing push run failed: only run 5001 is a baseline
    github.runArtifacts.splice(0);
    recordRun(5001, baseSha, services[0]!);
  });

  it('a pull request with baseline: stored compares with its base commit’s push run', async () => {
    const { result, service } = await run(
      5003,
      'pull_request',
      {
        ...pullRequestEvent(repo, 12),
        repository: { id: REPOSITORY_ID, name: 'shop', owner: { login: 'acme' } },
      },
      { comment: 'always', trends: 'true' },
    );
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    // On request, the base branch's history as it stands (the baseline run's, one run so far).
    expect(result.summary).toMatch(/## perfgate: history of <code>main<\/code>/);
    expect(result.outputs.verdict).toBe('regression');
    const report = JSON.parse(filesOf(service.artifacts[0]!)['report.json']!) as GateReport;
    expect(report).toMatchObject({
      mode: 'stored',
      pullRequest: 12,
      baseline: { sha: baseSha, runId: 5001, expected: { sha: baseSha, behind: 0, ahead: 0 } },
    });
    expect(result.summary).toMatch(
      /measured (\d+ min|less than a minute) before this run, the base commit itself/,
    );
    // A pull request never extends the branch's history.
    expect(filesOf(service.artifacts[0]!)['history.json']).toBeUndefined();
    expect(github.comments.find((comment) => comment.issue === 12)?.body).toMatch(
      /against the stored baseline/,
    );
  });

  it('refuses a baseline of an older schema with a notice naming it, passes, and stores itself', async () => {
    const old = JSON.parse(filesOf(services[0]!.artifacts[0]!)['report.json']!) as Record<string, unknown>;
    github.blobs.set(
      'old.zip',
      Buffer.from(zipSync({ 'report.json': strToU8(JSON.stringify({ ...old, schemaVersion: 1 })) })),
    );
    github.workflowRuns.push({
      id: 5100,
      workflow: 'perf.yml',
      head_sha: headSha,
      head_branch: 'main',
      event: 'push',
      conclusion: 'success',
      head_repository: { id: REPOSITORY_ID, full_name: 'acme/shop' },
    });
    github.runArtifacts.push({
      runId: 5100,
      id: 8_000_001,
      name: NAME,
      size: 200,
      zipUrl: `${github.url}/blobs/old.zip`,
    });
    const { result, service } = await run(5101, 'push', push(headSha, headSha));
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /::warning::the stored baseline was refused: artifact perfgate-perfgate of run 5100 was written by an older perfgate [^(]*\(schema 1\)/,
    );
    expect(result.stdout).toMatch(/run a fresh baseline/);
    const report = JSON.parse(filesOf(service.artifacts[0]!)['report.json']!) as GateReport;
    expect(report).toMatchObject({ status: 'complete', mode: 'stored', comparisons: [] });
    expect(report.baseline).toBeUndefined();
  });
});
