import type { GateReport } from '../model/results.js';
import { formatDurationMs, formatPercent, formatPercentShort } from './format-number.js';
import { metricLabel, type InlineFormat } from './inline-format.js';
import type { ReportOutline } from './outline-report.js';

/** One line of the "Conditions" section: a short label and its value. */
export interface Condition {
  readonly label: string;
  readonly value: string;
}

/**
 * Describes the conditions a gate ran under, so a reader can judge how far to trust it: pairs run
 * against planned, load per scenario, budget, gate settings, CPU steal, the runner, and wall time
 * by phase. Untrusted text goes through `inline`.
 */
export function describeConditions(
  report: GateReport,
  outline: ReportOutline,
  inline: InlineFormat,
): readonly Condition[] {
  const conditions: Condition[] = [
    report.mode === 'stored'
      ? { label: 'Trials', value: describeHeadTrials(report, outline, inline) }
      : { label: 'Pairs', value: describePairs(report, outline, inline) },
    ...(report.baseline === undefined
      ? []
      : [{ label: 'Baseline', value: describeBaseline(report.baseline, inline) }]),
    ...(report.servers === undefined
      ? []
      : [
          {
            label: 'Servers',
            value:
              report.mode === 'stored'
                ? describeHeadServers(report.servers, inline)
                : describeServers(report.servers, inline),
          },
        ]),
    ...(report.reruns === undefined
      ? []
      : [{ label: 'Re-runs', value: describeReruns(report.reruns, report.servers?.restart, inline) }]),
    ...outline.scenarios.flatMap(({ name, summary }) =>
      summary === undefined
        ? []
        : [
            {
              label: 'Load',
              value:
                `${inline.code(name)}: ${inline.text(summary.method)} ${inline.code(summary.path)}, ` +
                `${summary.connections} connection${summary.connections === 1 ? '' : 's'}, ` +
                `${formatDurationMs(summary.durationMs)} per trial after ${formatDurationMs(summary.warmupMs)} warm-up`,
            },
          ],
    ),
    {
      label: 'Gate',
      value:
        `threshold ${formatPercentShort(report.gate.threshold)}, alpha ${report.gate.alpha}, ` +
        `gated metrics: ${report.gate.metrics.map((metric) => metricLabel(metric, inline)).join(', ') || 'none'}`,
    },
    {
      label: 'CPU steal',
      value: `mean ${formatPercent(report.runner.stealMean)}, max ${formatPercent(report.runner.stealMax)}`,
    },
    {
      label: 'Runner',
      value:
        `${inline.text(report.runner.cpuModel)}, ${report.runner.cores} core${report.runner.cores === 1 ? '' : 's'}, ${inline.text(report.runner.os)}` +
        (report.runner.image === undefined ? '' : `, image ${inline.text(report.runner.image)}`),
    },
    { label: 'Wall time', value: describeTimings(report.timings, inline) },
    {
      label: 'Config',
      value:
        `${inline.code(report.configPath)} (hash ${inline.code(report.configHash.slice(0, 12))}), ` +
        `${inline.text(report.tool.name)} ${inline.text(report.tool.version)}, started ${inline.text(report.startedAt)}`,
    },
  ];
  return conditions;
}

function describePairs(report: GateReport, outline: ReportOutline, inline: InlineFormat): string {
  const planned = `up to ${report.gate.trials} per scenario within a ${formatDurationMs(report.gate.budgetMs)} budget`;
  const counts = new Set(outline.scenarios.map((scenario) => scenario.pairsCompared));
  const baseFirst = outline.scenarios.reduce((sum, scenario) => sum + scenario.baseFirstPairs, 0);
  const totalPairs = outline.scenarios.reduce((sum, scenario) => sum + scenario.pairsCompared, 0);
  const seq = report.sequential;
  const stopped = seq
    ? `; stopped after ${seq.stoppedAfterPairs} pairs: ${inline.text(seq.reason)} (looks at ${seq.looks.join(', ')} pairs)`
    : '';
  const interleaving =
    report.gate.pairing === 'duet'
      ? `base and head measured at the same time in each pair (duet)${stopped}`
      : `base ran first in ${baseFirst} of ${totalPairs} pairs (order seed ${report.gate.seed})${stopped}`;
  const [only] = counts;
  if (counts.size <= 1) return `${only ?? 0} compared of ${planned}; ${interleaving}`;
  const perScenario = outline.scenarios.map(
    (scenario) => `${inline.code(scenario.name)} ${scenario.pairsCompared}`,
  );
  return `${perScenario.join(', ')} compared of ${planned}; ${interleaving}`;
}

/** Stored mode: head's trials against the stored run's, unpaired. */
function describeHeadTrials(report: GateReport, outline: ReportOutline, inline: InlineFormat): string {
  const planned = `up to ${report.gate.trials} per scenario within a ${formatDurationMs(report.gate.budgetMs)} budget`;
  const seq = report.sequential;
  const stopped = seq
    ? `; stopped after ${seq.stoppedAfterPairs}: ${inline.text(seq.reason)} (looks at ${seq.looks.join(', ')} trials)`
    : '';
  const kept = (name: string): number =>
    report.trials.filter((t) => t.scenario === name && t.side === 'head' && t.discarded === undefined).length;
  const perScenario = outline.scenarios.map(
    (scenario) => `${inline.code(scenario.name)} ${kept(scenario.name)}`,
  );
  const compared = report.baseline === undefined ? 'measured' : "compared, unpaired, with the stored run's";
  return `head only: ${perScenario.join(', ') || 0} trials ${compared} (${planned})${stopped}`;
}

/** `stored run abc1234 (runs/…/report.json): 8 trials of search; AMD EPYC 7763, 4 cores; …`. */
function describeBaseline(baseline: NonNullable<GateReport['baseline']>, inline: InlineFormat): string {
  const trials = Object.entries(baseline.trials)
    .map(([scenario, n]) => `${n} of ${inline.code(scenario)}`)
    .join(', ');
  const runner = `${inline.text(baseline.runner.cpuModel)}, ${baseline.runner.cores} core${baseline.runner.cores === 1 ? '' : 's'}`;
  const run = baseline.runUrl === undefined ? '' : `, run ${inline.code(baseline.runUrl)}`;
  const spread =
    baseline.historyRuns >= 5
      ? `between-run spread learned from ${baseline.historyRuns} stored runs`
      : `between-run spread not learned yet (${baseline.historyRuns} stored run${baseline.historyRuns === 1 ? '' : 's'}): the default used`;
  return `stored run ${inline.code(baseline.sha.slice(0, 7))} from ${inline.code(baseline.source)}${run}, finished ${inline.text(baseline.finishedAt)}: trials ${trials || 'none'}; runner ${runner}; ${spread}`;
}

/** Stored mode: only head's server runs. */
function describeHeadServers(servers: NonNullable<GateReport['servers']>, inline: InlineFormat): string {
  const setting = inline.code(`server.restart: ${servers.restart}`);
  const times = `started ${servers.starts} time${servers.starts === 1 ? '' : 's'}`;
  return servers.restart === 'pair'
    ? `head only: a fresh process, started and warmed up before each trial (${setting}; ${times})`
    : `head only: one process for the whole gate (${setting})`;
}

function describeServers(servers: NonNullable<GateReport['servers']>, inline: InlineFormat): string {
  const setting = inline.code(`server.restart: ${servers.restart}`);
  const times = `started ${servers.starts} time${servers.starts === 1 ? '' : 's'} per side`;
  return servers.restart === 'pair'
    ? `fresh base and head processes, started and warmed up before each pair (${setting}; ${times})`
    : `one process per side for the whole gate (${setting}): a lasting difference between the two ` +
        `processes, even of identical code, reads as a change`;
}

/** Reasons listed before the rest are only counted. */
const LISTED_RERUN_REASONS = 3;

/**
 * `2 set-aside pairs measured again on fresh servers (pair 4 customer-summary: base: worker pid
 * 4134 idle; ...); 28.2 s of the 40 s cap; connections re-dealt in 1 extra warm-up ...`.
 */
function describeReruns(
  reruns: NonNullable<GateReport['reruns']>,
  restart: 'pair' | 'never' | undefined,
  inline: InlineFormat,
): string {
  const cap = `${formatDurationMs(reruns.capMs)} cap`;
  const listed = reruns.reasons.slice(0, LISTED_RERUN_REASONS).map((reason) => inline.text(reason));
  const more = reruns.reasons.length - listed.length;
  const why = listed.length === 0 ? '' : ` (${listed.join('; ')}${more > 0 ? `; ${more} more` : ''})`;
  const where = restart === 'never' ? 'on the same servers' : 'on fresh servers';
  const ran =
    reruns.count === 0
      ? `${reruns.refused > 0 ? 'none ran' : 'none needed'} (${cap})`
      : `${reruns.count} set-aside pair${reruns.count === 1 ? '' : 's'} measured again ${where}${why}; ` +
        `${formatDurationMs(reruns.spentMs)} of the ${cap}`;
  const refused =
    reruns.refused === 0
      ? ''
      : `; ${reruns.refused} set-aside pair${reruns.refused === 1 ? '' : 's'} kept without a re-run (no room left in the cap or the budget)`;
  const redealt =
    reruns.redeals === 0
      ? ''
      : `; connections re-dealt in ${reruns.redeals} extra warm-up${reruns.redeals === 1 ? '' : 's'} where a worker took no load`;
  return ran + refused + redealt;
}

/** `4 min 12 s total (build 35.0 s, start 4.10 s, ...)`, phases in the order they were recorded. */
function describeTimings(timings: Readonly<Record<string, number>>, inline: InlineFormat): string {
  const phases = Object.entries(timings).filter(([phase]) => phase !== 'total');
  const listed = phases.map(([phase, ms]) => `${inline.text(phase)} ${formatDurationMs(ms)}`).join(', ');
  const total = timings.total;
  if (total === undefined) return listed || 'not recorded';
  return listed ? `${formatDurationMs(total)} total (${listed})` : `${formatDurationMs(total)} total`;
}
