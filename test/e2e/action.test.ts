// The bundled action (dist/index.js) in a simulated GitHub runner: real git repo, real Python
// server, real load; only GitHub's REST API is a loopback stand-in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeRepo, repoRoot, pullRequestEvent, PROFILES_OFF, STDLIB_SEARCH_CONFIG } from './make-repo.js';
import { startGitHubStandIn } from './github-stand-in.js';
import { removeRunnerDir, runAction, type ActionRun } from './run-action.js';

// Short trials keep the suite fast; with 8 pairs the exact signed-rank p-value of the gated metric
// (cpu_per_request, the default) can reach 2/2^8 ≈ 0.008, well inside alpha 0.05.
const fastConfig = `${STDLIB_SEARCH_CONFIG}gate:
  threshold: 5%
  trials: 8
`;
// The same without the profiling phase, for the tests that assert nothing about profiles.
const fastConfigNoProfiles = `${fastConfig}${PROFILES_OFF}`;

// GitHub runs the action on Node 24 (action.yml: node24); .ci/run sets this to a Node 24 binary.
const nodePath = process.env.PERFGATE_TEST_NODE;

async function track(options: Parameters<typeof runAction>[0]): Promise<ActionRun> {
  const run = await runAction({ ...options, ...(nodePath ? { nodePath } : {}) });
  runs.push(run);
  return run;
}

const runs: ActionRun[] = [];

describe('the action on a pull_request', () => {
  let standIn: Awaited<ReturnType<typeof startGitHubStandIn>>;
  beforeAll(async () => {
    standIn = await startGitHubStandIn();
  });
  afterAll(async () => {
    await standIn.close();
    for (const run of runs) removeRunnerDir(run);
  });

  it('fails on the known regression, with one sticky comment edited on the second run', async () => {
    const regressed = readFileSync(path.join(repoRoot, 'examples/stdlib/variants/regressed/app.py'), 'utf8');
    const repo = makeRepo('stdlib', { 'app.py': regressed }, { 'perfgate.yml': fastConfig });
    try {
      const run = () =>
        track({
          cwd: repo.dir,
          eventName: 'pull_request',
          event: pullRequestEvent(repo, 42),
          inputs: {
            config: 'perfgate.yml',
            'github-token': 'ghs_test',
            comment: 'always',
            'fail-on-regression': 'true',
          },
          apiUrl: standIn.url,
        });
      const first = await run();
      expect(first.exitCode, first.stdout + first.stderr).toBe(1);
      expect(first.outputs.verdict).toBe('regression');
      expect(Number(first.outputs.regressions)).toBeGreaterThanOrEqual(1);
      expect(existsSync(first.outputs['report-json'] ?? '')).toBe(true);
      expect(first.summary).toMatch(/regression/i);
      expect(first.summary).toContain('search');
      expect(standIn.comments).toHaveLength(1);
      expect(standIn.comments[0]?.body).toContain('<!-- perfgate:perfgate.yml -->');
      // The comment names the function the regression made slower (py-spy, in the profiling phase).
      expect(standIn.comments[0]?.body).toMatch(
        /#### Profiles · py-spy[\s\S]*\| <code>score<\/code> \| app\.py:\d+ \|/,
      );
      // Progress: each phase in a collapsible group, one line per trial.
      expect(first.stdout).toContain('::group::');
      expect(first.stdout).toMatch(/pair 8\/8/);

      const second = await run();
      expect(second.exitCode).toBe(1);
      expect(standIn.comments).toHaveLength(1);
      expect(standIn.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
    } finally {
      repo.remove();
    }
  });

  it('passes an unchanged pair (A/A), and a fork token that cannot comment is only a warning', async () => {
    const repo = makeRepo('stdlib', { 'NOTES.md': 'docs only\n' }, { 'perfgate.yml': fastConfigNoProfiles });
    standIn.failCommentsWith = 403;
    try {
      const result = await track({
        cwd: repo.dir,
        eventName: 'pull_request',
        event: pullRequestEvent(repo, 43),
        inputs: {
          config: 'perfgate.yml',
          'github-token': 'ghs_fork',
          comment: 'always',
          'fail-on-regression': 'true',
        },
        apiUrl: standIn.url,
      });
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      expect(result.outputs.verdict).not.toBe('regression');
      expect(result.outputs.regressions).toBe('0');
      expect(result.stdout).toMatch(/::warning::.*(403|permission|comment)/i);
      expect(result.summary).toContain('search');
    } finally {
      standIn.failCommentsWith = undefined;
      repo.remove();
    }
  });

  it('blames a no-op pull request for nothing when its base branch got faster after it branched', async () => {
    // A (slow app) ← P: the PR changes only notes; A ← B: main made the app fast; M: GitHub's merge of P into B.
    const slow = readFileSync(path.join(repoRoot, 'examples/stdlib/variants/regressed/app.py'), 'utf8');
    const repo = makeRepo(
      'stdlib',
      { 'NOTES.md': 'docs only\n' },
      { 'perfgate.yml': fastConfigNoProfiles, 'app.py': slow },
    );
    try {
      const prHead = repo.git('rev-parse', 'HEAD');
      repo.git('checkout', '-q', '-B', 'main', 'HEAD~1');
      writeFileSync(
        path.join(repo.dir, 'app.py'),
        readFileSync(path.join(repoRoot, 'examples/stdlib/app.py'), 'utf8'),
      );
      repo.git('add', '-A');
      repo.git('commit', '-q', '-m', 'main: faster search');
      const baseTip = repo.git('rev-parse', 'HEAD');
      repo.git('checkout', '-q', '--detach', baseTip);
      repo.git('merge', '-q', '--no-ff', '-m', 'Merge PR 44', prHead);
      const merge = repo.git('rev-parse', 'HEAD');
      const result = await track({
        cwd: repo.dir,
        eventName: 'pull_request',
        event: {
          action: 'synchronize',
          number: 44,
          pull_request: {
            number: 44,
            base: { ref: 'main', sha: baseTip },
            head: { ref: 'feature', sha: prHead },
          },
          repository: { name: 'shop', owner: { login: 'acme' } },
        },
        inputs: {
          config: 'perfgate.yml',
          'github-token': 'ghs_test',
          comment: 'never',
          'fail-on-regression': 'true',
        },
        apiUrl: standIn.url,
        env: { GITHUB_SHA: merge },
      });
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      expect(result.outputs.verdict).not.toBe('regression');
      const report = JSON.parse(readFileSync(result.outputs['report-json'] ?? '', 'utf8')) as {
        base: { sha: string };
        head: { sha: string };
        basis: { kind: string; pullRequestHead: string };
      };
      expect(report.base.sha).toBe(baseTip);
      expect(report.head.sha).toBe(merge);
      expect(report.basis).toMatchObject({ kind: 'merge-commit', pullRequestHead: prHead });
      // Both SHAs the event named are in the report a reviewer reads.
      expect(result.summary).toContain(prHead.slice(0, 7));
      expect(result.summary).toContain(baseTip.slice(0, 7));
    } finally {
      repo.remove();
    }
  });

  it('refuses pull_request_target without the opt-in input, before building anything', async () => {
    const sentinelDir = mkdtempSync(path.join(tmpdir(), 'perfgate-sentinel-'));
    const built = path.join(sentinelDir, 'built');
    const config = `build: touch '${built}'\n${fastConfig}`;
    const repo = makeRepo('stdlib', { 'NOTES.md': "a stranger's change\n" }, { 'perfgate.yml': config });
    const requestsBefore = standIn.requests.length;
    try {
      const result = await track({
        cwd: repo.dir,
        eventName: 'pull_request_target',
        event: pullRequestEvent(repo, 45),
        inputs: { config: 'perfgate.yml', 'github-token': 'ghs_write', comment: 'always' },
        apiUrl: standIn.url,
        env: { GITHUB_SHA: repo.git('rev-parse', 'HEAD~1') },
        timeoutMs: 30_000,
      });
      const log = result.stdout + result.stderr;
      expect(result.exitCode, log).not.toBe(0);
      expect(result.outputs.verdict).toBe('error');
      expect(log).toMatch(
        /::error::.*refuses to build and run the pull request's code under `pull_request_target`/,
      );
      expect(log).toMatch(/write access.*secrets are available/);
      expect(log).toContain('allow-pull-request-target-untrusted-code: true');
      expect(existsSync(built)).toBe(false);
      // No worktree was added and GitHub was not called.
      expect(repo.git('worktree', 'list').split('\n')).toHaveLength(1);
      expect(standIn.requests.length).toBe(requestsBefore);
    } finally {
      repo.remove();
      rmSync(sentinelDir, { recursive: true, force: true });
    }
  });

  it('on a push gates before..after, reports without failing when fail-on-regression is false, and never comments', async () => {
    const regressed = readFileSync(path.join(repoRoot, 'examples/stdlib/variants/regressed/app.py'), 'utf8');
    const repo = makeRepo('stdlib', { 'app.py': regressed }, { 'perfgate.yml': fastConfigNoProfiles });
    const requestsBefore = standIn.requests.length;
    try {
      const result = await track({
        cwd: repo.dir,
        eventName: 'push',
        event: {
          ref: 'refs/heads/main',
          before: repo.git('rev-parse', 'HEAD~1'),
          after: repo.git('rev-parse', 'HEAD'),
          repository: { name: 'shop', owner: { login: 'acme' } },
        },
        inputs: {
          config: 'perfgate.yml',
          'github-token': 'ghs_test',
          comment: 'always',
          'fail-on-regression': 'false',
        },
        apiUrl: standIn.url,
      });
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      expect(result.outputs.verdict).toBe('regression');
      expect(result.summary).toMatch(/regression/i);
      expect(standIn.requests.length).toBe(requestsBefore);
    } finally {
      repo.remove();
    }
  });
});

// A cancelled job: the runner sends SIGTERM. Its own stand-in, so its comment is counted nowhere else.
describe('the action cancelled', () => {
  let standIn: Awaited<ReturnType<typeof startGitHubStandIn>>;
  beforeAll(async () => {
    standIn = await startGitHubStandIn();
  });
  afterAll(async () => {
    await standIn.close();
    for (const run of runs) removeRunnerDir(run);
  });

  it('exits 143 when the job is cancelled during the trials, leaving an interrupted report', async () => {
    const repo = makeRepo('stdlib', {}, { 'perfgate.yml': fastConfig });
    try {
      const run = await track({
        cwd: repo.dir,
        eventName: 'pull_request',
        event: pullRequestEvent(repo, 9),
        inputs: { 'github-token': 'test-token' },
        apiUrl: standIn.url,
        interrupt: { signal: 'SIGTERM', when: /pair 2\/\d+/ },
      });
      expect(run.exitCode).toBe(143);
      expect(run.outputs.verdict).toBe('error');
      expect(run.stdout).toContain('::error::interrupted by SIGTERM');
      // One results folder per config under RUNNER_TEMP/perfgate-results.
      const results = path.join(run.runnerDir, 'temp', 'perfgate-results');
      const [folder] = readdirSync(results);
      const report = JSON.parse(readFileSync(path.join(results, folder ?? '', 'report.json'), 'utf8')) as {
        status: string;
        interruption?: { signal: string; pairs: number };
      };
      expect(run.summary).toContain('Interrupted by SIGTERM during the trials');
      expect(report.status).toBe('interrupted');
      expect(report.interruption?.signal).toBe('SIGTERM');
      expect(report.interruption?.pairs).toBeGreaterThanOrEqual(1);
      expect(repo.git('worktree', 'list').split('\n')).toHaveLength(1);
    } finally {
      repo.remove();
    }
  });
});
