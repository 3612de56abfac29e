import { RunError } from '../errors.js';
import type { GateReport } from '../model/results.js';
import type { JobSummary, Log, Outputs, PullRequestComments } from '../ports.js';
import { CommentPermissionError } from './comment-permission-error.js';
import type { CommentPolicy } from '../config/action-inputs.js';

export type { CommentPolicy };

/** The ports a finished report is published through. */
export interface PublishDeps {
  readonly summary: JobSummary;
  /** Absent when there is no pull request to comment on (push events, the CLI without a token). */
  readonly comments?: PullRequestComments;
  readonly outputs: Outputs;
  readonly log: Log;
}

export interface PublishOptions {
  readonly comment: CommentPolicy;
  /** Hidden marker of this config's sticky comment (see commentMarker). */
  readonly marker: string;
  /** Where report.json was written; published as the `report-json` output. */
  readonly reportJsonPath: string;
}

/**
 * Publishes a report: sets the outputs `verdict` (`error` when the report's status is not `complete`),
 * `regressions` and `report-json`, appends
 * `markdown` to the job summary, and creates or edits the sticky comment as `options.comment` says.
 *
 * Comment policy: `always` writes it whatever the verdict; `never` never touches it; `on-regression`
 * creates it only when the verdict is `regression`, and otherwise only edits a comment an earlier
 * run created, so a PR whose regression was fixed never keeps a stale "regression" comment.
 *
 * A comment the token may not write (CommentPermissionError: a fork's read-only token) is a warning,
 * with the Markdown printed to the log so the report is still readable; it never fails the gate.
 * Every channel is attempted even when an earlier one fails.
 *
 * @throws RunError naming each channel that failed for another reason (after trying all of them); the
 *   hint points at report.json, which was written before publishing.
 */
export async function publishReport(
  report: GateReport,
  markdown: string,
  deps: PublishDeps,
  options: PublishOptions,
): Promise<void> {
  const failures: string[] = [];
  const attempt = async (channel: string, fn: () => void | Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (error) {
      failures.push(`${channel}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  await attempt('outputs', () => {
    // A run that did not finish has no verdict to act on, whatever its partial trials suggest.
    deps.outputs.set('verdict', report.status === 'complete' ? report.verdict : 'error');
    deps.outputs.set('regressions', String(report.regressions));
    deps.outputs.set('report-json', options.reportJsonPath);
  });
  await attempt('job summary', () => deps.summary.append(markdown));
  await attempt('pull request comment', () => publishComment(report, markdown, deps, options));

  if (failures.length > 0) {
    throw new RunError(
      `Publishing the report failed (${failures.join('; ')}).`,
      `The measurements are saved in ${options.reportJsonPath}; fix the cause above and re-run, or read the report there.`,
    );
  }
}

async function publishComment(
  report: GateReport,
  markdown: string,
  deps: PublishDeps,
  options: PublishOptions,
): Promise<void> {
  const skip = whyNoComment(options.comment, deps.comments !== undefined);
  if (skip !== undefined || deps.comments === undefined) {
    deps.log.info(`No pull request comment: ${skip ?? 'no pull request'}.`);
    return;
  }
  // The marker must be in the body for the next run to find this comment again.
  const body = markdown.includes(options.marker) ? markdown : `${options.marker}\n${markdown}`;
  try {
    const createIfMissing = options.comment === 'always' || report.verdict === 'regression';
    const outcome = await deps.comments.upsert(options.marker, body, { createIfMissing });
    deps.log.info(
      outcome === 'absent'
        ? `No pull request comment: the verdict is ${report.verdict} and the comment input is "on-regression".`
        : `Pull request comment ${outcome}.`,
    );
  } catch (error) {
    if (!(error instanceof CommentPermissionError)) throw error;
    deps.log.warn(
      `Could not comment on the pull request: ${error.message} ${error.hint} The report follows in the log.`,
    );
    await deps.log.group('perfgate report (not posted as a comment)', () => {
      deps.log.info(markdown);
      return Promise.resolve();
    });
  }
}

/** Why the policy says not to comment, or undefined when it says to. */
function whyNoComment(policy: CommentPolicy, hasPullRequest: boolean): string | undefined {
  if (policy === 'never') return 'the comment input is "never"';
  return hasPullRequest ? undefined : 'not running on a pull request';
}
