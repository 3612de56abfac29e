// publishReport against small in-memory implementations of its ports (the port boundary).
import { describe, expect, it } from 'vitest';
import { RunError } from '../../src/errors.js';
import type { GateReport, GateVerdict } from '../../src/model/results.js';
import type { JobSummary, Log, Outputs, PullRequestComments } from '../../src/ports.js';
import { CommentPermissionError } from '../../src/publish/comment-permission-error.js';
import { commentMarker } from '../../src/publish/comment-marker.js';
import { publishReport, type CommentPolicy } from '../../src/publish/publish-report.js';

function report(verdict: GateVerdict, regressions: number): GateReport {
  return {
    schemaVersion: 2,
    tool: { name: 'perfgate', version: '0.1.0' },
    status: 'complete',
    configPath: 'perfgate.yml',
    configHash: 'sha256:0f0f',
    base: { ref: 'main', sha: 'a'.repeat(40) },
    head: { ref: 'HEAD', sha: 'b'.repeat(40) },
    pullRequest: 42,
    startedAt: '2026-11-26T10:00:00.000Z',
    finishedAt: '2026-11-26T10:04:00.000Z',
    runner: { os: 'linux', cpuModel: 'test cpu', cores: 2, stealMean: 0.1, stealMax: 0.2 },
    gate: { threshold: 0.05, alpha: 0.05, metrics: ['throughput'], trials: 10, budgetMs: 180_000, seed: 7 },
    scenarios: [],
    trials: [],
    comparisons: [],
    verdict,
    regressions,
    warnings: [],
    timings: { total: 240_000 },
  };
}

class Ports {
  readonly outputs = new Map<string, string>();
  readonly summaries: string[] = [];
  readonly comments: Array<{ marker: string; body: string }> = [];
  readonly lines: string[] = [];
  commentError: Error | undefined;
  summaryError: Error | undefined;

  readonly summary: JobSummary = {
    append: (markdown) =>
      this.summaryError
        ? Promise.reject(this.summaryError)
        : (this.summaries.push(markdown), Promise.resolve()),
  };
  readonly pr: PullRequestComments = {
    upsert: (marker, body, options) => {
      if (this.commentError) return Promise.reject(this.commentError);
      const existing = this.comments.find((comment) => comment.body.includes(marker));
      if (!existing && options?.createIfMissing === false) return Promise.resolve('absent');
      if (existing) existing.body = body;
      else this.comments.push({ marker, body });
      return Promise.resolve(existing ? 'updated' : 'created');
    },
  };
  readonly out: Outputs = { set: (name, value) => void this.outputs.set(name, value) };
  readonly log: Log = {
    info: (message) => void this.lines.push(`info: ${message}`),
    warn: (message) => void this.lines.push(`warn: ${message}`),
    error: (message) => void this.lines.push(`error: ${message}`),
    group: async (name, fn) => {
      this.lines.push(`group: ${name}`);
      const result = await fn();
      this.lines.push('endgroup');
      return result;
    },
  };
  deps(withPullRequest = true) {
    return {
      summary: this.summary,
      outputs: this.out,
      log: this.log,
      ...(withPullRequest ? { comments: this.pr } : {}),
    };
  }
}

const marker = commentMarker('perfgate.yml');
const markdown = '## perfgate: 1 regression\n\n| scenario | change |\n|---|---|\n| list-items | +12% |\n';
const options = (comment: CommentPolicy) => ({ comment, marker, reportJsonPath: '/tmp/out/report.json' });

describe('publishReport', () => {
  it('sets outputs, appends the summary and creates the sticky comment with its marker', async () => {
    const ports = new Ports();
    await publishReport(report('regression', 1), markdown, ports.deps(), options('always'));
    expect(Object.fromEntries(ports.outputs)).toEqual({
      verdict: 'regression',
      regressions: '1',
      'report-json': '/tmp/out/report.json',
    });
    expect(ports.summaries).toEqual([markdown]);
    expect(ports.comments).toEqual([{ marker, body: `${marker}\n${markdown}` }]);
    expect(ports.lines).toContain('info: Pull request comment created.');
  });

  it('publishes a failed run with verdict error, and edits (never creates) an on-regression comment with it', async () => {
    const ports = new Ports();
    await publishReport(report('regression', 1), markdown, ports.deps(), options('on-regression'));
    const failed: GateReport = { ...report('inconclusive', 0), status: 'failed', error: 'build failed' };
    const failedMarkdown = `${marker}\n## perfgate: run failed\n`;
    await publishReport(failed, failedMarkdown, ports.deps(), options('on-regression'));
    expect(ports.outputs.get('verdict')).toBe('error');
    expect(ports.outputs.get('report-json')).toBe('/tmp/out/report.json');
    expect(ports.summaries.at(-1)).toBe(failedMarkdown);
    // The stale regression comment now shows the failure.
    expect(ports.comments).toEqual([{ marker, body: failedMarkdown }]);

    const fresh = new Ports();
    await publishReport(failed, failedMarkdown, fresh.deps(), options('on-regression'));
    expect(fresh.comments).toEqual([]);
  });

  it('edits the same comment on the next run and keeps a marker already in the body', async () => {
    const ports = new Ports();
    await publishReport(report('regression', 1), markdown, ports.deps(), options('always'));
    const fixed = `${marker}\n## perfgate: no regression\n`;
    await publishReport(report('unchanged', 0), fixed, ports.deps(), options('always'));
    expect(ports.comments).toEqual([{ marker, body: fixed }]);
    expect(ports.lines).toContain('info: Pull request comment updated.');
  });

  it.each<[CommentPolicy, GateVerdict, number]>([
    ['always', 'unchanged', 1],
    ['always', 'improvement', 1],
    ['on-regression', 'regression', 1],
    ['on-regression', 'unchanged', 0],
    ['on-regression', 'inconclusive', 0],
    ['never', 'regression', 0],
  ])('policy %s with verdict %s writes %i comment(s)', async (policy, verdict, expected) => {
    const ports = new Ports();
    await publishReport(
      report(verdict, verdict === 'regression' ? 1 : 0),
      markdown,
      ports.deps(),
      options(policy),
    );
    expect(ports.comments).toHaveLength(expected);
    expect(ports.summaries).toHaveLength(1);
    if (expected === 0)
      expect(ports.lines.some((line) => line.startsWith('info: No pull request comment:'))).toBe(true);
  });

  it('on-regression edits the earlier regression comment once the regression is fixed, so it is never stale', async () => {
    const ports = new Ports();
    await publishReport(
      report('regression', 1),
      `${marker}\nregression`,
      ports.deps(),
      options('on-regression'),
    );
    await publishReport(report('unchanged', 0), `${marker}\nfixed`, ports.deps(), options('on-regression'));
    expect(ports.comments).toEqual([{ marker, body: `${marker}\nfixed` }]);
  });

  it('does not comment without a pull request', async () => {
    const ports = new Ports();
    await publishReport(report('regression', 2), markdown, ports.deps(false), options('always'));
    expect(ports.lines).toContain('info: No pull request comment: not running on a pull request.');
    expect(ports.outputs.get('regressions')).toBe('2');
  });

  it('turns a permission error into a warning and prints the report to the log', async () => {
    const ports = new Ports();
    ports.commentError = new CommentPermissionError(
      'HTTP 403: Resource not accessible by integration.',
      'Use a fork-safe workflow.',
      403,
    );
    await publishReport(report('regression', 1), markdown, ports.deps(), options('always'));
    expect(ports.lines[0]).toMatch(/^warn: Could not comment on the pull request: HTTP 403/);
    expect(ports.lines.slice(1)).toEqual([
      'group: perfgate report (not posted as a comment)',
      `info: ${markdown}`,
      'endgroup',
    ]);
    expect(ports.summaries).toEqual([markdown]);
  });

  it('tries every channel, then fails naming the ones that broke', async () => {
    const ports = new Ports();
    ports.summaryError = new Error('Unable to find environment variable for $GITHUB_STEP_SUMMARY.');
    ports.commentError = new Error('HTTP 502: Bad Gateway');
    const error = await publishReport(report('unchanged', 0), markdown, ports.deps(), options('always')).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(RunError);
    expect(error instanceof RunError && error.message).toMatch(
      /job summary: Unable to find .*; pull request comment: HTTP 502/,
    );
    expect(error instanceof RunError && error.hint).toContain('/tmp/out/report.json');
    expect(ports.outputs.get('verdict')).toBe('unchanged');
  });
});

describe('commentMarker', () => {
  it.each([
    ['perfgate.yml', '<!-- perfgate:perfgate.yml -->'],
    ['./perfgate.yml', '<!-- perfgate:perfgate.yml -->'],
    ['services/api/perfgate.yml', '<!-- perfgate:services/api/perfgate.yml -->'],
    ['a--b--->c.yml', '<!-- perfgate:a-b-_c.yml -->'],
    ['x-->\n<script>', '<!-- perfgate:x-___script_ -->'],
  ])('%j → %s', (path, expected) => {
    const result = commentMarker(path);
    expect(result).toBe(expected);
    // What the marker must never contain between its delimiters, or the comment would end early.
    expect(result.slice(4, -3)).not.toMatch(/--|>/);
  });
});
