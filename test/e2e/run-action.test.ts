// The e2e harness itself: runAction spawns a bundled probe action (our real adapters, publisher and
// event planner, bundled by esbuild as dist/index.js is) against the GitHub stand-in.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn } from './github-stand-in.js';
import { parseCommandFile, removeRunnerDir, runAction, type ActionRun } from './run-action.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');

// A tiny action wired like src/main.ts, reading the verdict to publish from its inputs.
const probeSource = `
import * as core from '@actions/core';
import * as github from '@actions/github';
import { describeError } from './src/errors.js';
import { planFromEvent } from './src/plan/event.js';
import { commentMarker, publishReport } from './src/publish/index.js';
import { createActionsLog } from './src/adapters/actions-log.js';
import { createActionsOutputs } from './src/adapters/actions-outputs.js';
import { createActionsSummary } from './src/adapters/actions-summary.js';
import { createGitHubComments } from './src/adapters/github-comments.js';
try {
  const plan = planFromEvent(github.context.eventName, github.context.payload);
  const marker = commentMarker(core.getInput('config'));
  const report = { status: 'complete', verdict: core.getInput('verdict'), regressions: Number(core.getInput('regressions')) };
  const comments = createGitHubComments({
    token: core.getInput('github-token', { required: true }),
    owner: github.context.repo.owner,
    repo: github.context.repo.repo,
    issueNumber: plan.pullRequest,
  });
  const markdown = marker + '\\n## perfgate: ' + report.verdict + '\\n\\n| scenario | change |\\n|---|---|\\n| search | +9% |\\n';
  await publishReport(report as never, markdown, { summary: createActionsSummary(), comments, outputs: createActionsOutputs(), log: createActionsLog() },
    { comment: core.getInput('comment'), marker, reportJsonPath: process.env.RUNNER_TEMP + '/perfgate-results/report.json' });
  core.setOutput('base', plan.base);
  core.setOutput('multi', 'line one\\nline two');
} catch (error) {
  core.setFailed(describeError(error));
}
`;

const pullRequest = {
  action: 'opened',
  number: 42,
  pull_request: { number: 42, base: { sha: 'a'.repeat(40) }, head: { sha: 'b'.repeat(40) } },
  repository: { name: 'shop', owner: { login: 'acme' } },
};
const inputs = {
  config: 'perfgate.yml',
  'github-token': 'ghs_probe',
  comment: 'always',
  verdict: 'regression',
  regressions: '1',
};

describe('runAction with the GitHub stand-in', () => {
  let standIn: GitHubStandIn;
  let workDir: string;
  let probe: string;
  const runs: ActionRun[] = [];
  const run = async (options: Partial<Parameters<typeof runAction>[0]> = {}): Promise<ActionRun> => {
    const result = await runAction({
      cwd: workDir,
      eventName: 'pull_request',
      event: pullRequest,
      inputs,
      apiUrl: standIn.url,
      entry: probe,
      timeoutMs: 60_000,
      ...options,
    });
    runs.push(result);
    return result;
  };

  beforeAll(async () => {
    standIn = await startGitHubStandIn();
    workDir = mkdtempSync(path.join(tmpdir(), 'perfgate-harness-'));
    probe = path.join(workDir, 'probe.js');
    await build({
      stdin: { contents: probeSource, resolveDir: repoRoot, sourcefile: 'probe.ts', loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: probe,
      logLevel: 'error',
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });
  });
  afterAll(async () => {
    await standIn.close();
    runs.forEach(removeRunnerDir);
    rmSync(workDir, { recursive: true, force: true });
  });

  it('publishes outputs, summary and one sticky comment, edited on the next run', async () => {
    const first = await run();
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    expect(first.outputs).toEqual({
      verdict: 'regression',
      regressions: '1',
      'report-json': path.join(first.runnerDir, 'temp/perfgate-results/report.json'),
      base: 'a'.repeat(40),
      multi: 'line one\nline two',
    });
    expect(first.summary).toContain('## perfgate: regression\n\n| scenario | change |');
    expect(standIn.comments).toHaveLength(1);
    expect(standIn.comments[0]).toMatchObject({
      issue: 42,
      body: expect.stringContaining('<!-- perfgate:perfgate.yml -->'),
    });
    expect(first.stdout).toContain('Pull request comment created.');

    const second = await run({ inputs: { ...inputs, verdict: 'unchanged', regressions: '0' } });
    expect(second.outputs.verdict).toBe('unchanged');
    expect(standIn.comments).toHaveLength(1);
    expect(standIn.comments[0]?.body).toContain('## perfgate: unchanged');
    expect(standIn.requests.filter((request) => request.method === 'PATCH')).toHaveLength(1);
    expect(standIn.requests.every((request) => request.authorization === 'token ghs_probe')).toBe(true);
  });

  it('turns a fork token’s 403 into a warning and prints the report in a log group', async () => {
    standIn.failCommentsWith = 403;
    try {
      const result = await run({
        event: { ...pullRequest, number: 43, pull_request: { ...pullRequest.pull_request, number: 43 } },
      });
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toMatch(
        /::warning::Could not comment on the pull request: GitHub answered HTTP 403.*Resource not accessible by integration/,
      );
      expect(result.stdout).toMatch(
        /::group::perfgate report \(not posted as a comment\)\n<!-- perfgate:perfgate.yml -->\n## perfgate: regression/,
      );
      expect(result.outputs.verdict).toBe('regression');
      expect(result.summary).toContain('## perfgate: regression');
      expect(standIn.comments.filter((comment) => comment.issue === 43)).toHaveLength(0);
    } finally {
      standIn.failCommentsWith = undefined;
    }
  });

  it('fails the step with the hint on an event it cannot plan', async () => {
    const result = await run({
      eventName: 'push',
      event: { ref: 'refs/heads/topic', before: '0'.repeat(40), after: 'c'.repeat(40) },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(
      /::error::The push event creates refs\/heads\/topic.*Hint: no base commit on the first push of a branch/,
    );
  });

  it('gives the runner environment: inputs, command files, no GITHUB_SERVER_URL, nothing leaked from the test process', async () => {
    const envProbe = path.join(workDir, 'env-probe.mjs');
    writeFileSync(
      envProbe,
      'import { existsSync } from "node:fs"; const e = process.env; console.log(JSON.stringify({ ...e, files: ["GITHUB_OUTPUT","GITHUB_STEP_SUMMARY","GITHUB_ENV","GITHUB_STATE","GITHUB_EVENT_PATH","RUNNER_TEMP"].every((n) => existsSync(e[n])) }));',
    );
    process.env.GITHUB_SERVER_URL = 'https://github.com';
    process.env.INPUT_STALE = 'from the test process';
    try {
      const result = await run({
        entry: envProbe,
        inputs: { 'github-token': 't', 'fail on regression': 'true' },
      });
      const env: unknown = JSON.parse(result.stdout);
      expect(env).toMatchObject({
        'INPUT_GITHUB-TOKEN': 't',
        INPUT_FAIL_ON_REGRESSION: 'true',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_API_URL: standIn.url,
        GITHUB_REPOSITORY: 'acme/shop',
        GITHUB_WORKSPACE: workDir,
        GITHUB_ACTIONS: 'true',
        CI: 'true',
        NO_PROXY: '127.0.0.1,localhost',
        files: true,
      });
      expect(env).not.toHaveProperty('GITHUB_SERVER_URL');
      expect(env).not.toHaveProperty('INPUT_STALE');
    } finally {
      delete process.env.GITHUB_SERVER_URL;
      delete process.env.INPUT_STALE;
    }
  });

  it('kills an action that outlives its timeout', async () => {
    const hang = path.join(workDir, 'hang.mjs');
    writeFileSync(hang, 'setInterval(() => {}, 1000);');
    const started = Date.now();
    const result = await run({ entry: hang, timeoutMs: 500 });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBe(128 + 9);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('parseCommandFile', () => {
  it('reads name=value lines and name<<DELIMITER blocks, later values winning', () => {
    const text =
      'verdict=unchanged\nreport<<ghadelimiter_1\n| a |\n\n| b |\nghadelimiter_1\nurl=http://x/?a=b\nverdict<<EOF\nregression\nEOF\n';
    expect(parseCommandFile(text)).toEqual({
      verdict: 'regression',
      report: '| a |\n\n| b |',
      url: 'http://x/?a=b',
    });
    expect(parseCommandFile('')).toEqual({});
  });

  it.each([['name<<EOF\nvalue\n'], ['no equals sign\n']])('rejects %j', (text) => {
    expect(() => parseCommandFile(text)).toThrow(/command file/);
  });
});
