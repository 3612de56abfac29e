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
    const plan = planFromEvent(event.name, event.payload, overrides, { sha: process.env.GITHUB_SHA });
    const loaded = await loadConfigFile(inputs.config, cwd);
    // One folder and one comment per config: two perfgate steps in a job never overwrite each other.
    const key = configKey(inputs.workingDirectory, inputs.config);
    const outDir = path.join(process.env.RUNNER_TEMP ?? cwd, 'perfgate-results', resultsFolderName(key));
    const deps = createDeps(loaded.repoRoot, outDir, log);
    let report: GateReport;
    let failure: unknown;
    try {
      report = await runGate(deps, {
        config: loaded.config,
        configPath: key,
        configHash: loaded.hash,
        configDirInRepo: loaded.dirInRepo,
        base: plan.base,
        head: plan.head,
        basis: plan.basis,
        ...(plan.baseBranch === undefined ? {} : { baseBranch: plan.baseBranch }),
        ...(plan.pullRequest === undefined ? {} : { pullRequest: plan.pullRequest }),
      });
    } catch (thrown) {
      // A GateFailure carries the failed report, already written to the results folder: publish it.
      if (!(thrown instanceof GateFailure)) throw thrown;
      report = thrown.report;
      failure = thrown.cause;
    } finally {
      deps.dispose();
    }

    const artifactName = inputs.artifactName ?? `perfgate-${resultsFolderName(key)}`;
    const artifact = await uploadResults(log, {
      name: artifactName,
      dir: outDir,
      ...(inputs.retentionDays === undefined ? {} : { retentionDays: inputs.retentionDays }),
    });
    outputs.set('artifact-url', artifact?.url ?? '');

    const marker = commentMarker(key);
    const comments =
      plan.pullRequest !== undefined && inputs.githubToken && event.repository !== undefined
        ? // Loaded only now: @actions/github parses the event file when first imported.
          (await import('./adapters/github-comments.js')).createGitHubComments({
            token: inputs.githubToken,
            owner: event.repository.owner,
            repo: event.repository.repo,
            issueNumber: plan.pullRequest,
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
