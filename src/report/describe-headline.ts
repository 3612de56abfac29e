import type { Comparison, CommitRef, GatePhase, GateReport } from '../model/results.js';
import { confidenceLabel, formatChange, formatInterval } from './format-change.js';
import { formatPercentShort } from './format-number.js';
import { metricLabel, type InlineFormat } from './inline-format.js';
import type { Headline, ReportOutline } from './outline-report.js';

/** The top of a report, as text for one renderer. */
export interface HeadlineText {
  readonly headline: Headline;
  /** Short verdict: `performance regression`, `no regression`, ... */
  readonly title: string;
  /** One sentence: what changed, by how much, with its confidence interval. */
  readonly summary: string;
  /** One sentence: base and head refs with short SHAs, and the pull request. */
  readonly commits: string;
}

const TITLES: Readonly<Record<Headline, string>> = {
  regression: 'performance regression',
  improvement: 'performance improvement',
  unchanged: 'no regression',
  inconclusive: 'inconclusive',
  failed: 'run failed',
  interrupted: 'interrupted',
};

const PHASE_WORDS: Readonly<Record<GatePhase, string>> = {
  resolve: 'the revision lookup',
  checkout: 'the checkout',
  build: 'the build',
  start: 'the server start',
  trials: 'the trials',
  profile: 'the profiling phase',
  report: 'the report',
};

/** How many highlighted comparisons the summary names before "and N more". */
const NAMED_HIGHLIGHTS = 3;

/** Describes the verdict of `report` in words, with untrusted text placed through `inline`. */
export function describeHeadline(
  report: GateReport,
  outline: ReportOutline,
  inline: InlineFormat,
): HeadlineText {
  const failedByErrors = outline.highlights.some((c) => c.errors?.effect === 'fails');
  return {
    headline: outline.headline,
    title: failedByErrors ? 'head answers errors' : TITLES[outline.headline],
    summary: describeSummary(report, outline, inline),
    commits: describeCommits(report, inline),
  };
}

function describeSummary(report: GateReport, outline: ReportOutline, inline: InlineFormat): string {
  const listed = listHighlights(outline.highlights, inline);
  switch (outline.headline) {
    case 'failed': {
      const readings = report.trials.length;
      return `The run stopped before it finished, so nothing was gated (${readings} trial reading${plural(readings)} taken).`;
    }
    case 'interrupted': {
      const readings = report.trials.length;
      const how = report.interruption;
      const when = how
        ? `by ${how.signal} during ${PHASE_WORDS[how.phase]} after ${how.pairs} pair${plural(how.pairs)}`
        : 'before it finished';
      return `Interrupted ${when}, so nothing was gated (${readings} trial reading${plural(readings)} kept).`;
    }
    case 'regression': {
      const byErrors = outline.highlights.find((c) => c.errors?.effect === 'fails');
      if (byErrors?.errors !== undefined) {
        return (
          `${inline.code(byErrors.scenario)}: ${inline.text(byErrors.errors.text)}. ` +
          'Error responses are cheap, so no metric of it is read as a speed change.'
        );
      }
      return listed
        ? `Regressed: ${listed}.`
        : `${report.regressions} gated comparison${plural(report.regressions)} regressed.`;
    }
    case 'improvement':
      return `Improved${listed ? `: ${listed}` : ''}, with no gated regression.`;
    case 'inconclusive':
      if (report.mode === 'stored' && report.baseline === undefined)
        return "No stored baseline to compare with, so nothing was gated; this run's trials of head are the next run's baseline.";
      if (report.mode === 'stored')
        return (
          `Not enough evidence to decide${listed ? ` for ${listed}` : ''}: against a stored baseline the usual ` +
          'run-to-run spread limits what can be shown, and more trials do not remove it; a same-runner comparison (`baseline: same-runner`) can settle it.'
        );
      return `Not enough evidence to decide${listed ? ` for ${listed}` : ''}; more pairs would settle it.`;
    case 'unchanged': {
      const scenarios = outline.scenarios.length;
      return (
        `Every gated metric was shown to be within ±${formatPercentShort(report.gate.threshold)} ` +
        `(${outline.gatedCount} comparison${plural(outline.gatedCount)} across ${scenarios} scenario${plural(scenarios)}).`
      );
    }
  }
}

/** `a cpu_per_request +38.9% (95% CI …), throughput -27.2% (…); b …`: grouped by scenario, biggest first. */
function listHighlights(highlights: readonly Comparison[], inline: InlineFormat): string {
  const byScenario = new Map<string, string[]>();
  for (const comparison of highlights.slice(0, NAMED_HIGHLIGHTS)) {
    const change = formatChange(comparison.change, {
      significant: comparison.significant,
      scale: comparison.scale,
    });
    const interval = `${confidenceLabel(comparison.confidence)} ${formatInterval(comparison.ci, comparison.scale)}`;
    const items = byScenario.get(comparison.scenario) ?? [];
    items.push(`${metricLabel(comparison.metric, inline)} ${change} (${interval})`);
    byScenario.set(comparison.scenario, items);
  }
  const named = [...byScenario].map(([scenario, items]) => `${inline.code(scenario)} ${items.join(', ')}`);
  const more = highlights.length - Math.min(highlights.length, NAMED_HIGHLIGHTS);
  return more > 0 ? `${named.join('; ')}; and ${more} more` : named.join('; ');
}

function describeCommits(report: GateReport, inline: InlineFormat): string {
  const pullRequest =
    report.pullRequest !== undefined && Number.isSafeInteger(report.pullRequest)
      ? ` · PR #${report.pullRequest}`
      : '';
  if (report.mode === 'stored') {
    const { baseline } = report;
    if (baseline === undefined)
      return `Head ${describeCommit(report.head, inline)} measured alone (no stored baseline)${pullRequest}.`;
    const branch = baseline.branch === undefined ? '' : ` on ${inline.code(baseline.branch)}`;
    const age = describeAge(Date.parse(report.startedAt) - Date.parse(baseline.finishedAt));
    return (
      `Head ${describeCommit(report.head, inline)} against the stored baseline ${inline.code(baseline.sha.slice(0, 7))}` +
      `${branch}, measured ${age} before this run${describeDistance(baseline.expected, inline)}${pullRequest}; base was not measured here.`
    );
  }
  const commits = `Base ${describeCommit(report.base, inline)} → head ${describeCommit(report.head, inline)}${pullRequest}.`;
  const basis = describeBasis(report, inline);
  return basis === '' ? commits : `${commits} ${basis}`;
}

/** What base and head stand for on a pull request: both SHAs the event named, and how they were used. */
function describeBasis(report: GateReport, inline: InlineFormat): string {
  const { basis } = report;
  if (basis?.pullRequestHead === undefined) return '';
  const prHead = inline.code(basis.pullRequestHead.slice(0, 7));
  const baseTip = inline.code((basis.baseTip ?? '').slice(0, 7));
  if (basis.kind === 'merge-commit') {
    return `Head is the merge of the pull request's head ${prHead} into the base branch (event's base ${baseTip}), so only what merging would change is measured.`;
  }
  if (basis.kind === 'merge-base') {
    return `Head is the pull request's head ${prHead}, base the commit its branch left the base branch at (tip ${baseTip}), so what landed on the base branch since is not counted.`;
  }
  return '';
}

/** `main @ 1a2b3c4`, or only the short SHA when the ref is itself (a prefix of) the SHA. */
function describeCommit(commit: CommitRef, inline: InlineFormat): string {
  const shortSha = inline.code(commit.sha.slice(0, 7));
  const isShaItself = commit.ref.length >= 7 && commit.sha.startsWith(commit.ref);
  return isShaItself || commit.ref === '' ? shortSha : `${inline.code(commit.ref)} @ ${shortSha}`;
}

/** `, the base commit itself` / `, 3 commits behind the base commit abc1234` / … (empty when unknown). */
function describeDistance(
  expected: NonNullable<GateReport['baseline']>['expected'],
  inline: InlineFormat,
): string {
  if (expected === undefined) return '';
  const target = inline.code(expected.sha.slice(0, 7));
  const { behind, ahead } = expected;
  const commits = (n: number): string => `${n} commit${n === 1 ? '' : 's'}`;
  if (behind === 0 && ahead === 0) return ', the base commit itself';
  if (behind === undefined || ahead === undefined)
    return `, not the base commit ${target} (how far from it, the clone cannot tell: fetch-depth 0)`;
  if (ahead === 0) return `, ${commits(behind)} behind the base commit ${target}`;
  if (behind === 0) return `, ${commits(ahead)} ahead of the base commit ${target}`;
  return `, not an ancestor of the base commit ${target} (${commits(behind)} behind, ${commits(ahead)} ahead)`;
}

/** `40 min`, `3 h`, `2 days`: how long before this run a baseline finished. */
export function describeAge(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'at an unknown time';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.round(ms / 3_600_000);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(ms / 86_400_000)} days`;
}

function plural(count: number): string {
  return count === 1 ? '' : 's';
}
