// The bundled action uploads each gate's results folder as one artifact through the real
// @actions/artifact client, against a loopback stand-in of the artifact service and its blob store;
// the artifact is downloaded again with the same client and its files read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
import { makeRepo, type TempRepo, pullRequestEvent, STDLIB_SEARCH_CONFIG } from './make-repo.js';
import { startGitHubStandIn, type GitHubStandIn } from './github-stand-in.js';
import { fakeRuntimeToken, startArtifactStandIn, type ArtifactStandIn } from './artifact-stand-in.js';
import { removeRunnerDir, runAction, type ActionRun } from './run-action.js';

// A/A on the stdlib example, short trials: the point is the files, not the verdict.
const fastConfig = `${STDLIB_SEARCH_CONFIG}gate:
  threshold: 5%
  trials: 4
profile:
  duration: 2s
`;

const failingBuild = `build: "echo 'E-ART: no module named numpy' >&2; exit 7"
server:
  command: python3 app.py
  ready: /healthz
http:
  - name: search
    path: /search?q=x
    duration: 1s
    warmup: 1s
`;

const nodePath = process.env.PERFGATE_TEST_NODE;
const runs: ActionRun[] = [];

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`)
      : [`${prefix}${entry.name}`],
  );
}

describe('the action’s results artifact', () => {
  let github: GitHubStandIn;
  let artifacts: ArtifactStandIn;
  const savedEnv = { ...process.env };
  beforeAll(async () => {
    github = await startGitHubStandIn();
    artifacts = await startArtifactStandIn();
  });
  afterAll(async () => {
    process.env = savedEnv;
    await github.close();
    await artifacts.close();
    for (const run of runs) removeRunnerDir(run);
  });

  async function run(repo: TempRepo, config: string, inputs: Record<string, string>, pr: number) {
    const result = await runAction({
      cwd: repo.dir,
      eventName: 'pull_request',
      event: pullRequestEvent(repo, pr),
      inputs: { config: 'perfgate.yml', 'github-token': 'ghs_test', comment: 'always', ...inputs },
      apiUrl: github.url,
      env: {
        ACTIONS_RUNTIME_TOKEN: fakeRuntimeToken(),
        ACTIONS_RESULTS_URL: artifacts.url,
        GITHUB_RUN_ID: '4242',
      },
      ...(nodePath ? { nodePath } : {}),
    });
    runs.push(result);
    expect(config).toBeTruthy();
    return result;
  }

  it('uploads report, trials, logs and both sides’ profiles as one artifact the summary and comment link', async () => {
    const repo = makeRepo('stdlib', { 'NOTES.md': 'x\n' }, { 'perfgate.yml': fastConfig });
    try {
      const result = await run(repo, fastConfig, { 'retention-days': '7' }, 61);
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).not.toMatch(/::warning::.*artifact/i);

      expect(artifacts.artifacts.map((a) => a.name)).toEqual(['perfgate-perfgate']);
      const stored = artifacts.artifacts[0]!;
      const url = `https://github.com/acme/shop/actions/runs/4242/artifacts/${stored.id}`;
      expect(result.outputs['artifact-url']).toBe(url);
      expect(result.summary).toContain(`Profiles and raw results: [perfgate-perfgate artifact](${url})`);
      expect(github.comments.find((c) => c.issue === 61)?.body).toContain(`(${url})`);
      // retention-days reached the service as an expiry about 7 days ahead.
      const days = (Date.parse(stored.expiresAt ?? '') - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(6.9);
      expect(days).toBeLessThan(7.1);

      // Download it again through the real client, as a later job would, and read the files.
      process.env.ACTIONS_RUNTIME_TOKEN = fakeRuntimeToken();
      process.env.ACTIONS_RESULTS_URL = artifacts.url;
      delete process.env.GITHUB_SERVER_URL;
      const into = mkdtempSync(path.join(tmpdir(), 'perfgate-artifact-'));
      try {
        await new DefaultArtifactClient().downloadArtifact(stored.id, { path: into });
        const files = listFiles(into);
        expect(files).toEqual(expect.arrayContaining(['report.json', 'report.md', 'trials.jsonl']));
        expect(files.some((f) => f.startsWith('logs/'))).toBe(true);
        expect(files.some((f) => f.startsWith('.'))).toBe(false);
        const report = JSON.parse(readFileSync(path.join(into, 'report.json'), 'utf8')) as {
          verdict: string;
        };
        expect(report.verdict).toBe(result.outputs.verdict);
        for (const line of readFileSync(path.join(into, 'trials.jsonl'), 'utf8').trim().split('\n')) {
          expect(() => JSON.parse(line) as unknown).not.toThrow();
        }
        for (const side of ['base', 'head']) {
          const profile = files.find(
            (f) => f.startsWith('profiles/') && f.includes(side) && f.endsWith('.speedscope.json'),
          );
          expect(profile, `a ${side} speedscope profile in ${files.join(', ')}`).toBeDefined();
          expect(JSON.parse(readFileSync(path.join(into, profile!), 'utf8'))).toMatchObject({
            $schema: expect.stringContaining('speedscope'),
          });
        }
        expect(files.some((f) => f.startsWith('profiles/') && f.endsWith('.svg'))).toBe(true);
      } finally {
        rmSync(into, { recursive: true, force: true });
      }
    } finally {
      repo.remove();
    }
  });

  it('gives two gates in one run two artifacts, a failed gate’s holding what it wrote', async () => {
    const repo = makeRepo(
      'stdlib',
      { 'NOTES.md': 'x\n' },
      { 'api.perfgate.yml': failingBuild, 'web.perfgate.yml': failingBuild },
    );
    try {
      const urls: string[] = [];
      for (const config of ['api.perfgate.yml', 'web.perfgate.yml']) {
        const result = await run(repo, failingBuild, { config }, 63);
        expect(result.exitCode).toBe(1);
        expect(result.outputs.verdict).toBe('error');
        expect(result.stdout).not.toMatch(/::warning::.*artifact/i);
        urls.push(result.outputs['artifact-url'] ?? '');
      }
      const stored = artifacts.artifacts.filter((a) => a.name.includes('.perfgate'));
      expect(stored.map((a) => a.name)).toEqual(['perfgate-api.perfgate', 'perfgate-web.perfgate']);
      expect(urls).toEqual(stored.map((a) => expect.stringMatching(new RegExp(`/artifacts/${a.id}$`))));
      for (const artifact of stored) {
        // Zip entry names are stored in the clear: the failed report and the build log are inside.
        expect(artifact.zip.includes('report.json')).toBe(true);
        expect(artifact.zip.includes('logs/build-base.log')).toBe(true);
      }
    } finally {
      repo.remove();
    }
  });

  it('turns a failing upload into a warning after retries: same verdict, exit code and report', async () => {
    artifacts.failBlobWritesWith = 403;
    const repo = makeRepo('stdlib', { 'NOTES.md': 'x\n' }, { 'perfgate.yml': failingBuild });
    try {
      const before = artifacts.requests.length;
      const result = await run(repo, failingBuild, { 'artifact-name': 'failed gate' }, 62);
      const created = artifacts.requests.slice(before).filter((r) => r.twirp === 'CreateArtifact');
      expect(created).toHaveLength(3);
      expect(result.stdout).toMatch(
        /::warning::could not upload artifact "failed gate" \(3 attempts\): .*HTTP 403/,
      );
      expect(result.outputs['artifact-url']).toBe('');
      expect(artifacts.artifacts.map((a) => a.name)).not.toContain('failed gate');
      // As without artifacts: the build's error fails the step, the report is published and intact.
      expect(result.exitCode).toBe(1);
      expect(result.outputs.verdict).toBe('error');
      expect(result.stdout).toMatch(/::error::.*build/i);
      expect(result.summary).toContain('run failed');
      expect(result.summary).not.toContain('Profiles and raw results');
      const reportJson = result.outputs['report-json'] ?? '';
      expect(existsSync(reportJson)).toBe(true);
      expect(JSON.parse(readFileSync(reportJson, 'utf8'))).toMatchObject({ status: 'failed' });
    } finally {
      artifacts.failBlobWritesWith = undefined;
      repo.remove();
    }
  });
});
