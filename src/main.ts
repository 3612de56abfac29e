/**
 * The action's composition root: reads inputs and the event, runs the gate with the real adapters,
 * publishes, and maps the verdict to outputs and exit status. The only place that calls setFailed.
 *
 * Before publishing, the results folder (report, trials, logs, profiles) is uploaded as one artifact
 * per gate; a failed upload is a warning and changes neither the verdict nor the exit status.
 *
 * Every outcome is published: a finished report; a failed one (the `run failed` report with its log
 * tail, through the same summary, comment and outputs, `verdict=error`); and an error before the gate
 * started (bad input, config or event file: a short summary, `verdict=error`).
 */
import path from 'node:path';
import * as core from '@actions/core';
import { parseActionInputs } from './config/action-inputs.js';
import { assertEventMayRunPullRequestCode, planFromEvent } from './plan/event.js';
import { GateFailure, runGate } from './run.js';
import { renderMarkdown, renderSetupError } from './report/index.js';
import { commentMarker, configKey, publishReport, resultsFolderName } from './publish/index.js';
import { describeError, InterruptedError } from './errors.js';
import type { GateReport } from './model/results.js';
import { loadConfigFile } from './adapters/config-file.js';
import { createDeps } from './adapters/create-deps.js';
import { createActionsLog } from './adapters/actions-log.js';
import { createActionsSummary } from './adapters/actions-summary.js';
import { createActionsOutputs } from './adapters/actions-outputs.js';
import { readWorkflowEvent } from './adapters/event-file.js';
import type { Log, UploadedArtifact } from './ports.js';
import { comparisonModeFor, planStored, type StoredPlan } from './plan/stored-plan.js';
import type { StoredComparison } from './history/read-baseline.js';
import type { History, HistoryEntry } from './history/model.js';
import { z } from 'zod';
import { appendEntry, historyEntryFromReport, renderHistory } from './history/history-file.js';
import {
  changePointsToFailOn,
  describeChangePoint,
  findChangePoints,
  type MetricChangePoint,
} from './history/change-points.js';
import { renderHistorySection } from './report/render-history-section.js';
import { createResultStore } from './adapters/result-store.js';
import type { WorkflowEvent } from './adapters/event-file.js';

async function main(): Promise<void> {
  const log = createActionsLog();
  const outputs = createActionsOutputs();
  const summary = createActionsSummary();
  try {
    const inputs = parseActionInputs((name) => core.getInput(name));
    const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
    const cwd = path.resolve(workspace, inputs.workingDirectory);
    const event = await readWorkflowEvent(process.env);
    // Before anything is read from the checkout or built: the pull request's code may be a stranger's.
    assertEventMayRunPullRequestCode(event.name, inputs);
    const overrides = {
      ...(inputs.base === undefined ? {} : { base: inputs.base }),
      ...(inputs.head === undefined ? {} : { head: inputs.head }),
    };
    const runner = { sha: process.env.GITHUB_SHA };
    const mode = comparisonModeFor(inputs.baseline, event.name);
    const storedPlan =
      mode === 'stored' ? planStored(event.name, event.payload, overrides, runner) : undefined;
    const plan =
      storedPlan === undefined ? planFromEvent(event.name, event.payload, overrides, runner) : undefined;
    const loaded = await loadConfigFile(inputs.config, cwd);
    // One folder and one comment per config: two perfgate steps in a job never overwrite each other.
    const key = configKey(inputs.workingDirectory, inputs.config);
    const outDir = path.join(process.env.RUNNER_TEMP ?? cwd, 'perfgate-results', resultsFolderName(key));
    // The same name in every run of this config: a stored baseline is found by it.
    const artifactName = inputs.artifactName ?? `perfgate-${resultsFolderName(key)}`;
    const stored =
      storedPlan === undefined
        ? undefined
        : {
            ...(await log.group('Find the stored baseline', () =>
              lookUpBaseline(log, inputs.githubToken, event, storedPlan, artifactName, loaded.hash),
            )),
            ...(storedPlan.preferSha === undefined ? {} : { expectedSha: storedPlan.preferSha }),
          };
    if (stored?.baseline !== undefined)
      log.info(`baseline: ${stored.baseline.source} (commit ${stored.baseline.report.head.sha.slice(0, 7)})`);
    const deps = createDeps(loaded.repoRoot, outDir, log);
    let report: GateReport;
    let failure: unknown;
    try {
      report = await runGate(deps, {
        config: loaded.config,
        configPath: key,
        configHash: loaded.hash,
        configDirInRepo: loaded.dirInRepo,
        base: plan?.base ?? '',
        head: storedPlan?.head ?? plan?.head ?? 'HEAD',
        ...(plan === undefined ? {} : { basis: plan.basis }),
        ...(plan?.baseBranch === undefined ? {} : { baseBranch: plan.baseBranch }),
        ...(pullRequestOf(plan, storedPlan) === undefined
          ? {}
          : { pullRequest: pullRequestOf(plan, storedPlan) }),
        ...(stored === undefined ? {} : { stored }),
      });
    } catch (thrown) {
      // A GateFailure carries the failed report, already written to the results folder: publish it.
      if (!(thrown instanceof GateFailure)) throw thrown;
      report = thrown.report;
      failure = thrown.cause;
    } finally {
      deps.dispose();
    }

    let historySection: string | undefined;
    let newRegressions: readonly MetricChangePoint[] = [];
    if (storedPlan?.recordsHistory === false && inputs.trends && stored?.history !== undefined) {
      // A pull request shows the base branch's history as it stands (it never extends it).
      historySection = renderHistorySection(stored.history, {
        branch: storedPlan.branch,
        metrics: loaded.config.gate.metrics,
        changePoints: findChangePoints(stored.history),
      });
    }
    if (storedPlan?.recordsHistory === true && report.status === 'complete') {
      // Carried forward in this run's artifact: the next push run downloads, extends and uploads it.
      const history = await writeHistory(
        log,
        outDir,
        report,
        stored?.history,
        storedPlan.branch,
        headCommitOf(event.payload),
      );
      if (history !== undefined) {
        const metrics = loaded.config.gate.metrics;
        const changePoints = findChangePoints(history);
        historySection = renderHistorySection(history, { branch: storedPlan.branch, metrics, changePoints });
        newRegressions = changePointsToFailOn(changePoints, metrics);
      }
    }
    const artifact = await uploadResults(log, {
      name: artifactName,
      dir: outDir,
      ...(inputs.retentionDays === undefined ? {} : { retentionDays: inputs.retentionDays }),
    });
    outputs.set('artifact-url', artifact?.url ?? '');

    const marker = commentMarker(key);
    const pullRequest = pullRequestOf(plan, storedPlan);
    const comments =
      pullRequest !== undefined && inputs.githubToken && event.repository !== undefined
        ? // Loaded only now: @actions/github parses the event file when first imported.
          (await import('./adapters/github-comments.js')).createGitHubComments({
            token: inputs.githubToken,
            owner: event.repository.owner,
            repo: event.repository.repo,
            issueNumber: pullRequest,
            log,
          })
        : undefined;
    const published = publishReport(
      report,
      renderMarkdown(report, {
        marker,
        ...(artifact === undefined ? {} : { artifact: { name: artifactName, url: artifact.url } }),
      }),
      { summary, ...(comments ? { comments } : {}), outputs, log },
      { comment: inputs.comment, marker, reportJsonPath: path.join(outDir, 'report.json') },
    );
    if (failure !== undefined) {
      // The gate's own error is the one to fail with; a publishing error on top is only logged.
      await published.catch((error: unknown) => log.error(describeError(error)));
      core.setFailed(describeError(failure));
      // Interrupted (a cancelled job): exit as a shell would, 130 for SIGINT, 143 for SIGTERM.
      if (failure instanceof InterruptedError) process.exitCode = failure.exitCode;
      return;
    }
    try {
      await published;
    } catch (error) {
      core.setFailed(describeError(error)); // the report was written before publishing: nothing is lost
      return;
    }
    if (historySection !== undefined)
      await summary
        .append(historySection)
        .catch((error: unknown) =>
          log.warn(`could not add the history to the job summary: ${describeError(error)}`),
        );
    if (newRegressions.length > 0 && inputs.failOnChangePoint) {
      core.setFailed(
        `perfgate: new change point in the history: ${newRegressions.map((cp) => `${cp.scenario} ${describeChangePoint(cp)}`).join('; ')}`,
      );
    }
    if (report.verdict === 'regression' && inputs.failOnRegression) {
      core.setFailed(`perfgate: ${report.regressions} performance regression(s) found; see the job summary`);
    }
  } catch (error) {
    // Only errors before the gate started reach here: the gate's own and publishing's are handled above.
    outputs.set('verdict', 'error');
    await summary
      .append(renderSetupError(describeError(error)))
      .catch((summaryError: unknown) =>
        log.warn(`could not write the job summary: ${describeError(summaryError)}`),
      );
    core.setFailed(describeError(error));
  }
}

/**
 * Looks up the stored baseline on GitHub; a notice instead when the runner's environment cannot
 * name the repository, the workflow or a token (the gate then measures head and stores it).
 */
async function lookUpBaseline(
  log: Log,
  token: string,
  event: WorkflowEvent,
  plan: StoredPlan,
  artifactName: string,
  configHash: string,
): Promise<StoredComparison> {
  const env = process.env;
  const repositoryId = Number(env.GITHUB_REPOSITORY_ID ?? repositoryIdOf(event.payload));
  // GITHUB_WORKFLOW_REF: `owner/repo/.github/workflows/perf.yml@refs/heads/main`.
  const workflow = /\/\.github\/workflows\/([^@/]+)@/.exec(env.GITHUB_WORKFLOW_REF ?? '')?.[1];
  const missing = [
    ...(token === '' ? ['a token (input `github-token`)'] : []),
    ...(event.repository === undefined ? ['the repository (GITHUB_REPOSITORY)'] : []),
    ...(Number.isSafeInteger(repositoryId) && repositoryId > 0
      ? []
      : ['the repository id (GITHUB_REPOSITORY_ID)']),
    ...(workflow === undefined ? ['the workflow file (GITHUB_WORKFLOW_REF)'] : []),
  ];
  if (missing.length > 0 || event.repository === undefined || workflow === undefined)
    return {
      notice: `could not look up a stored baseline: ${missing.join(', ')} not known. Head was measured and is stored as the next baseline`,
    };
  const runId = Number(env.GITHUB_RUN_ID);
  const { findGitHubBaseline } = await import('./adapters/github-baseline.js');
  return findGitHubBaseline(
    {
      token,
      owner: event.repository.owner,
      repo: event.repository.repo,
      repositoryId,
      workflow,
      branch: plan.branch,
      artifactName,
      ...(Number.isSafeInteger(runId) ? { currentRunId: runId } : {}),
      ...(plan.preferSha === undefined ? {} : { preferSha: plan.preferSha }),
      configHash,
      serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    },
    log,
  );
}

/** The pushed commit's message (first line), author and page from a push payload's `head_commit`. */
function headCommitOf(payload: unknown): HistoryEntry['commit'] {
  const parsed = headCommitPayload.safeParse(payload);
  if (!parsed.success || parsed.data.head_commit === null || parsed.data.head_commit === undefined)
    return undefined;
  const { message, author, url } = parsed.data.head_commit;
  const firstLine = message?.split('\n')[0]?.slice(0, 200);
  const name = author?.username ?? author?.name;
  return {
    ...(firstLine === undefined || firstLine === '' ? {} : { message: firstLine }),
    ...(name === undefined ? {} : { author: name }),
    ...(url === undefined ? {} : { url }),
  };
}

const headCommitPayload = z.object({
  head_commit: z
    .object({
      message: z.string().optional(),
      url: z.string().url().optional(),
      author: z.object({ name: z.string().optional(), username: z.string().optional() }).optional(),
    })
    .nullish(),
});

function pullRequestOf(...plans: ({ readonly pullRequest?: number } | undefined)[]): number | undefined {
  return plans.find((plan) => plan?.pullRequest !== undefined)?.pullRequest;
}

function repositoryIdOf(payload: unknown): unknown {
  if (typeof payload !== 'object' || payload === null || !('repository' in payload)) return undefined;
  const repository = payload.repository;
  return typeof repository === 'object' && repository !== null && 'id' in repository
    ? repository.id
    : undefined;
}

/**
 * Writes history.json (the stored history with this run appended) into the results folder, and
 * returns it; undefined (after a warning) when it could not be written.
 */
async function writeHistory(
  log: Log,
  outDir: string,
  report: GateReport,
  history: History | undefined,
  branch: string,
  commit: HistoryEntry['commit'],
): Promise<History | undefined> {
  const env = process.env;
  const runId = Number(env.GITHUB_RUN_ID);
  const runUrl =
    env.GITHUB_REPOSITORY !== undefined && Number.isSafeInteger(runId)
      ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${runId}`
      : undefined;
  try {
    const entry = historyEntryFromReport(report, {
      branch,
      ...(Number.isSafeInteger(runId) ? { runId } : {}),
      ...(runUrl === undefined ? {} : { runUrl }),
      ...(commit === undefined ? {} : { commit }),
    });
    const next = appendEntry(history, entry);
    await createResultStore(outDir).write('history.json', renderHistory(next));
    log.info(`history.json: ${next.entries.length} run${next.entries.length === 1 ? '' : 's'} of ${branch}`);
    return next;
  } catch (error) {
    log.warn(`could not write history.json: ${describeError(error)}; the next push run starts a new history`);
    return undefined;
  }
}

/**
 * Uploads every file of the results folder as one artifact; undefined (after a warning) when that
 * fails, since the report stands without it.
 */
async function uploadResults(
  log: Log,
  results: { name: string; dir: string; retentionDays?: number },
): Promise<UploadedArtifact | undefined> {
  try {
    return await log.group(`Uploading artifact ${results.name}`, async () => {
      // Loaded only now: @actions/artifact imports @actions/github, which parses the event file when
      // first imported (a broken one must reach the setup-error path, not crash the bundle's start).
      const { createActionsArtifactStore, listResultFiles } = await import('./adapters/actions-artifact.js');
      const store = createActionsArtifactStore(process.env, log);
      const files = await listResultFiles(results.dir);
      const uploaded = await store.upload(results.name, files, results.dir, {
        ...(results.retentionDays === undefined ? {} : { retentionDays: results.retentionDays }),
      });
      log.info(`uploaded ${files.length} files (${uploaded.sizeBytes} bytes): ${uploaded.url}`);
      return uploaded;
    });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    log.warn(`${why}; the report is in the job summary and ${results.dir}`);
    return undefined;
  }
}

await main();
// Exit explicitly (with the code setFailed chose): a stray timer or socket must not hang the job.
process.exit();
