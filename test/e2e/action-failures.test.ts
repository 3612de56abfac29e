// The bundled action (dist/index.js) when a gate cannot finish or cannot start: what a user sees in the
// job summary, the outputs and the pull request, against the loopback GitHub stand-in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { makeRepo, pullRequestEvent } from './make-repo.js';
import { startGitHubStandIn } from './github-stand-in.js';
import { removeRunnerDir, runAction, type ActionRun } from './run-action.js';

const nodePath = process.env.PERFGATE_TEST_NODE;
const runs: ActionRun[] = [];

async function track(options: Parameters<typeof runAction>[0]): Promise<ActionRun> {
  const run = await runAction({ timeoutMs: 120_000, ...options, ...(nodePath ? { nodePath } : {}) });
  runs.push(run);
  return run;
}

/** A config whose build fails on both sides, printing `marker` to stderr first. */
function failingBuild(marker: string): string {
  return `build: "echo compiling; echo '${marker}: no module named numpy' >&2; exit 7"
server:
  command: python3 app.py
  ready: /healthz
http:
  - name: search
    path: /search?q=x
    duration: 1s
    warmup: 1s
`;
}

describe('the action when a gate fails', () => {
  let standIn: Awaited<ReturnType<typeof startGitHubStandIn>>;
  beforeAll(async () => {
    standIn = await startGitHubStandIn();
  });
  afterAll(async () => {
    await standIn.close();
    for (const run of runs) removeRunnerDir(run);
  });

  it('publishes the failed run like any report: summary with the log tail, comment, verdict=error, report-json', async () => {
    const repo = makeRepo('stdlib', { 'NOTES.md': 'x\n' }, { 'perfgate.yml': failingBuild('E-BUILD-51') });
    try {
      const result = await track({
        cwd: repo.dir,
        eventName: 'pull_request',
        event: pullRequestEvent(repo, 51),
        inputs: { config: 'perfgate.yml', 'github-token': 'ghs_test', comment: 'on-regression' },
        apiUrl: standIn.url,
      });
      expect(result.exitCode, result.stdout + result.stderr).toBe(1);
      expect(result.outputs.verdict).toBe('error');
      // The step fails with the build's own error and its log tail.
      expect(result.stdout).toMatch(/::error::.*build/i);
      expect(result.stdout).toContain('E-BUILD-51');
      // The job summary holds the rendered failed report, log tail included.
      expect(result.summary).toContain('run failed');
      expect(result.summary).toContain('E-BUILD-51: no module named numpy');
      // report.json was written before publishing and is what report-json names.
      const reportJson = result.outputs['report-json'] ?? '';
      expect(existsSync(reportJson)).toBe(true);
      const report = JSON.parse(readFileSync(reportJson, 'utf8')) as { status: string; error: string };
      expect(report.status).toBe('failed');
      expect(report.error).toContain('E-BUILD-51');
      // on-regression never creates a comment for a failure: there is none yet on PR 51.
      expect(standIn.comments.filter((comment) => comment.issue === 51)).toHaveLength(0);
    } finally {
      repo.remove();
    }
  });

  it('posts the failed report as the comment when the comment input is always', async () => {
    const repo = makeRepo('stdlib', { 'NOTES.md': 'x\n' }, { 'perfgate.yml': failingBuild('E-BUILD-52') });
    try {
      const run = (comment: string) =>
        track({
          cwd: repo.dir,
          eventName: 'pull_request',
          event: pullRequestEvent(repo, 52),
          inputs: { config: 'perfgate.yml', 'github-token': 'ghs_test', comment },
          apiUrl: standIn.url,
        });
      const first = await run('always');
      expect(first.exitCode, first.stdout + first.stderr).toBe(1);
      const onPr = () => standIn.comments.filter((comment) => comment.issue === 52);
      expect(onPr()).toHaveLength(1);
      expect(onPr()[0]?.body).toContain('run failed');
      expect(onPr()[0]?.body).toContain('E-BUILD-52');
    } finally {
      repo.remove();
    }
  });

  it('keeps one results folder and one comment per config when two configs run in one job', async () => {
    const repo = makeRepo(
      'stdlib',
      { 'NOTES.md': 'x\n' },
      { 'perfgate.yml': failingBuild('E-ROOT'), 'api.perfgate.yml': failingBuild('E-API') },
    );
    try {
      const runner = path.join(repo.dir, '..', `${path.basename(repo.dir)}-runner-temp`);
      mkdirSync(runner, { recursive: true });
      const gate = (config: string) =>
        track({
          cwd: repo.dir,
          eventName: 'pull_request',
          event: pullRequestEvent(repo, 53),
          inputs: { config, 'github-token': 'ghs_test', comment: 'always' },
          apiUrl: standIn.url,
          // One job: both steps share RUNNER_TEMP.
          env: { RUNNER_TEMP: runner },
        });
      const root = await gate('perfgate.yml');
      const api = await gate('api.perfgate.yml');
      const rootJson = root.outputs['report-json'] ?? '';
      const apiJson = api.outputs['report-json'] ?? '';
      expect(rootJson).toBe(path.join(runner, 'perfgate-results/perfgate/report.json'));
      expect(apiJson).toBe(path.join(runner, 'perfgate-results/api.perfgate/report.json'));
      // The second gate did not overwrite the first one's report.
      expect(readFileSync(rootJson, 'utf8')).toContain('E-ROOT');
      expect(readFileSync(apiJson, 'utf8')).toContain('E-API');
      expect(readFileSync(path.join(path.dirname(rootJson), 'logs/build-base.log'), 'utf8')).toContain(
        'E-ROOT',
      );
      const onPr = standIn.comments.filter((comment) => comment.issue === 53);
      expect(onPr.map((comment) => comment.body.includes('E-API'))).toEqual([false, true]);
    } finally {
      repo.remove();
    }
  });

  it('refuses an event file that is not JSON with a clear error, verdict=error and a job summary', async () => {
    const repo = makeRepo('stdlib', {}, {});
    try {
      const broken = path.join(repo.dir, '..', `${path.basename(repo.dir)}-event.json`);
      writeFileSync(broken, '{"pull_request": {');
      const result = await track({
        cwd: repo.dir,
        eventName: 'pull_request',
        event: {},
        inputs: { config: 'perfgate.yml', 'github-token': 'ghs_test' },
        apiUrl: standIn.url,
        env: { GITHUB_EVENT_PATH: broken },
      });
      expect(result.exitCode).toBe(1);
      expect(result.outputs.verdict).toBe('error');
      expect(result.stdout).toContain(
        `::error::the event file GITHUB_EVENT_PATH=${broken} is not valid JSON`,
      );
      // A message, not a stack trace.
      expect(result.stdout + result.stderr).not.toMatch(/SyntaxError|\n\s+at /);
      expect(result.summary).toContain('could not start');
      expect(result.summary).toContain('is not valid JSON');
    } finally {
      repo.remove();
    }
  });

  it('puts a config error in the job summary, naming the key', async () => {
    const repo = makeRepo(
      'stdlib',
      {},
      {
        'perfgate.yml':
          'server:\n  command: python3 app.py\nhttp:\n  - name: a\n    path: /\n    conections: 8\n',
      },
    );
    try {
      const result = await track({
        cwd: repo.dir,
        eventName: 'pull_request',
        event: pullRequestEvent(repo, 54),
        inputs: { config: 'perfgate.yml', 'github-token': 'ghs_test' },
        apiUrl: standIn.url,
      });
      expect(result.exitCode).toBe(1);
      expect(result.outputs.verdict).toBe('error');
      expect(result.summary).toContain('could not start');
      expect(result.summary).toContain('http[0].conections: unknown key');
      expect(result.outputs['report-json']).toBeUndefined();
    } finally {
      repo.remove();
    }
  });
});
