/**
 * The action's composition root: reads inputs and the event, runs the gate with the real adapters,
 * publishes, and maps the verdict to outputs and exit status. The only place that calls setFailed.
 */
import path from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { parseActionInputs } from './config/action-inputs.js';
import { assertEventMayRunPullRequestCode, planFromEvent } from './plan/event.js';
import { GateFailure, runGate } from './run.js';
import { renderMarkdown } from './report/index.js';
import { commentMarker, publishReport } from './publish/index.js';
import { describeError } from './errors.js';
import { loadConfigFile } from './adapters/config-file.js';
import { createDeps } from './adapters/create-deps.js';
import { createActionsLog } from './adapters/actions-log.js';
import { createActionsSummary } from './adapters/actions-summary.js';
import { createActionsOutputs } from './adapters/actions-outputs.js';
import { createGitHubComments } from './adapters/github-comments.js';

async function main(): Promise<void> {
  const log = createActionsLog();
  const outputs = createActionsOutputs();
  try {
    const inputs = parseActionInputs((name) => core.getInput(name));
    // Before anything is read from the checkout or built: the pull request's code may be a stranger's.
    assertEventMayRunPullRequestCode(github.context.eventName, inputs);
    const cwd = path.resolve(process.env.GITHUB_WORKSPACE ?? process.cwd(), inputs.workingDirectory);
    const { context } = github;
    const overrides = {
      ...(inputs.base === undefined ? {} : { base: inputs.base }),
      ...(inputs.head === undefined ? {} : { head: inputs.head }),
    };
    const plan = planFromEvent(context.eventName, context.payload, overrides, {
      sha: process.env.GITHUB_SHA,
    });
    const loaded = await loadConfigFile(inputs.config, cwd);
    const outDir = path.join(process.env.RUNNER_TEMP ?? cwd, 'perfgate-results');
    const deps = createDeps(loaded.repoRoot, outDir, log);
    const report = await runGate(deps, {
      config: loaded.config,
      configPath: inputs.config,
      configHash: loaded.hash,
      configDirInRepo: loaded.dirInRepo,
      base: plan.base,
      head: plan.head,
      basis: plan.basis,
      ...(plan.baseBranch === undefined ? {} : { baseBranch: plan.baseBranch }),
      ...(plan.pullRequest === undefined ? {} : { pullRequest: plan.pullRequest }),
    }).finally(() => deps.dispose());

    const marker = commentMarker(inputs.config);
    const comments =
      plan.pullRequest !== undefined && inputs.githubToken
        ? createGitHubComments({
            token: inputs.githubToken,
            owner: context.repo.owner,
            repo: context.repo.repo,
            issueNumber: plan.pullRequest,
            log,
          })
        : undefined;
    await publishReport(
      report,
      renderMarkdown(report, { marker }),
      { summary: createActionsSummary(), ...(comments ? { comments } : {}), outputs, log },
      { comment: inputs.comment, marker, reportJsonPath: path.join(outDir, 'report.json') },
    );
    if (report.verdict === 'regression' && inputs.failOnRegression) {
      core.setFailed(`perfgate: ${report.regressions} performance regression(s) found; see the job summary`);
    }
  } catch (thrown) {
    // A GateFailure carries the failed report, already written to the results folder.
    const error = thrown instanceof GateFailure ? thrown.cause : thrown;
    outputs.set('verdict', 'error');
    core.setFailed(describeError(error));
  }
}

await main();
// Exit explicitly (with the code setFailed chose): a stray timer or socket must not hang the job.
process.exit();
