/** The "Statistics evaluation" section of BENCHMARKS.md, from an evaluation. Pure. */
import type { ConditionOutcome, Evaluation, MetricSetOutcome, PoolSummary } from './evaluation.js';
import { clopperPearson } from './math/clopper-pearson.js';

/** The section's heading; replay.ts replaces everything from it to the next `## ` heading. */
export const SECTION_HEADING = '## Statistics evaluation (`npm run bench:stats`)';

const percent = (x: number, digits = 1): string => `${(100 * x).toFixed(digits)}%`;
const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)}%`;

function effectOf(pool: PoolSummary, metric: string): string {
  const effect = pool.trueEffects.find((e) => e.metric === metric);
  if (!effect) return 'n/a';
  return `${signed(effect.medianPairedChange)} (HL ${signed(effect.change)}, 95% CI ${signed(effect.ci95[0])} to ${signed(effect.ci95[1])})`;
}

/** Whether the measured cpu_per_request change came out above or below the nominal slowdown. */
function describeDirection(pools: readonly PoolSummary[]): string {
  const slowed = pools.filter((p) => p.nominalSlowdown > 0);
  const changes = slowed.map((p) => ({
    nominal: p.nominalSlowdown,
    measured: p.trueEffects.find((e) => e.metric === 'cpu_per_request')?.medianPairedChange ?? Number.NaN,
  }));
  if (changes.length > 0 && changes.every((c) => c.measured > c.nominal)) {
    return 'Here every true change came out larger than the nominal one, most likely because the burn holds the GIL and the other handler threads then switch more often (each switch costs CPU); that explanation is not verified.';
  }
  if (changes.length > 0 && changes.every((c) => c.measured < c.nominal)) {
    return "Here every true change came out smaller than the nominal one: the server's other per-request costs are not scaled.";
  }
  return 'Here some true changes came out above and some below the nominal ones.';
}

/** Several A/A pools as one: alarms and gates summed, the interval recomputed. */
function combine(outcomes: readonly ConditionOutcome[]): ConditionOutcome | undefined {
  const [first] = outcomes;
  if (!first) return undefined;
  const sum = (f: (c: ConditionOutcome) => number): number => outcomes.reduce((t, c) => t + f(c), 0);
  const gates = sum((c) => c.gates);
  const alarms = sum((c) => c.alarms);
  return {
    condition: outcomes.map((c) => c.condition).join('+'),
    gates,
    alarms,
    rate: alarms / gates,
    ci95: clopperPearson(alarms, gates),
    disjointAlarms: sum((c) => c.disjointAlarms),
    disjointGates: sum((c) => c.disjointGates),
    meanTrialsRun: sum((c) => c.meanTrialsRun * c.gates) / gates,
    ciMinutes: sum((c) => c.ciMinutes * c.gates) / gates,
  };
}

function ruleTable(set: MetricSetOutcome, evaluation: Evaluation): string[] {
  const slowed = evaluation.pools.filter((p) => p.nominalSlowdown > 0);
  const header = [
    'rule',
    'false alarms on A/A (95% CI) [disjoint windows]',
    ...slowed.map((p) => {
      const cpu = p.trueEffects.find((e) => e.metric === 'cpu_per_request');
      return `power at ${percent(p.nominalSlowdown, 0)} (true cpu ${cpu ? signed(cpu.medianPairedChange) : 'n/a'})`;
    }),
    'CI min/gate (A/A)',
    'CI min/gate (slowed, mean)',
  ];
  const aaNames = new Set(evaluation.pools.filter((p) => p.nominalSlowdown === 0).map((p) => p.condition));
  const rows = set.rules.map((rule) => {
    const aa = combine(rule.conditions.filter((c) => aaNames.has(c.condition)));
    const slowedOutcomes = slowed.map((p) => rule.conditions.find((c) => c.condition === p.condition));
    const slowedMinutes = slowedOutcomes.filter((c) => c !== undefined).map((c) => c.ciMinutes);
    return [
      rule.label,
      aa
        ? `${percent(aa.rate)} (${percent(aa.ci95[0])}–${percent(aa.ci95[1])}) [${aa.disjointAlarms}/${aa.disjointGates}]`
        : 'n/a',
      ...slowedOutcomes.map((c) => (c ? percent(c.rate, 0) : 'n/a')),
      aa ? aa.ciMinutes.toFixed(2) : 'n/a',
      slowedMinutes.length
        ? (slowedMinutes.reduce((a, b) => a + b, 0) / slowedMinutes.length).toFixed(2)
        : 'n/a',
    ];
  });
  return [
    `| ${header.join(' | ')} |`,
    `| :-- | ${header
      .slice(1)
      .map(() => '--:')
      .join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

/**
 * Renders the section.
 * @param context date, machine and the command line, for the reader to reproduce it.
 */
export function renderSection(evaluation: Evaluation, context: { date: string; command: string }): string {
  const trialSeconds = (evaluation.pools[0]?.trialDurationMs ?? 0) / 1000;
  const warmupSeconds = (evaluation.pools[0]?.warmupMs ?? 0) / 1000;
  const restarts = new Set(evaluation.pools.map((p) => p.restartEveryPairs));
  const processes =
    restarts.size === 1 && restarts.has(1)
      ? `Base and head were stopped, started anew and warmed up (${warmupSeconds} s each) before every pair, as a gate does with \`server.restart: pair\` (the default), so the pools carry the difference between processes as pair-to-pair noise.`
      : `Server restarts per pool (every N pairs; 0 = one process per side): ${evaluation.pools.map((p) => `${p.condition} ${p.restartEveryPairs}`).join(', ')}.`;
  const lines = [
    SECTION_HEADING,
    '',
    `Date ${context.date}. Command: \`${context.command}\`. Raw results: \`bench/results/stats-evaluation.json\`; recorded pools: \`bench/pools/*.jsonl\` (\`npm run bench:stats:record\`).`,
    '',
    `**Data.** examples/stdlib served by two servers at once (base with \`PERFGATE_SLOWDOWN=0\`, head with the condition's slowdown; A/A: both 0), measured by perfgate's own adapters (autocannon, 8 connections, /proc CPU) in interleaved pairs ordered by \`planTrials\`, ${trialSeconds} s trials. ${processes} One condition after another, so conditions were recorded minutes apart under whatever CPU steal the shared 2-core VM had then.`,
    '',
    '| condition | nominal slowdown | pairs | unfair pairs¹ | mean steal | mean load average² | true change of cpu_per_request: median per-pair (Hodges–Lehmann, 95% CI) | latency_p50 | throughput |',
    '| :-- | --: | --: | --: | --: | --: | :-- | :-- | :-- |',
    ...evaluation.pools.map(
      (p) =>
        `| ${p.condition} | ${percent(p.nominalSlowdown, 0)} | ${p.pairs} | ${p.unfairPairs} | ${percent(p.meanSteal)} | ${Number.isNaN(p.meanLoadAverage) ? 'n/a' : p.meanLoadAverage.toFixed(1)} | ${effectOf(p, 'cpu_per_request')} | ${effectOf(p, 'latency_p50')} | ${effectOf(p, 'throughput')} |`,
    ),
    '',
    '¹ Pairs with a reading perfgate would set aside and measure again (`whyRerun`: an idle worker or > 50% steal; errors are results, never a reason to re-run); the replay cannot re-measure, so it keeps them as recorded. ² 1-minute load average of the 2-core machine at the end of each trial: other jobs (test suites, other benchmarks) ran during most of the recording, so this is a noisy runner indeed.',
    '',
    `The nominal slowdown is not the true one. The knob (examples/stdlib/app.py) burns that fraction of the CPU each request's thread used, after the response; cpu_per_request counts the whole server process. ${describeDirection(evaluation.pools)} Power below is power against the **true** change. perfgate fails a gate only on a change shown to be worse than half the threshold (2.5% at the default 5%, \`gate.threshold\`), and a true change of 2.5% or less fails at most alpha = 5% of gates; between 2.5% and 5% either verdict is allowed, so a low alarm rate there is the intended behaviour, not missing power (the operating characteristic below says how the rule behaves at each true change). benchstat with a threshold fails on a median worse by at least 5%.`,
    '',
    `**Method.** ${evaluation.gatesPerCondition} simulated gates per condition, each a random contiguous window of ${evaluation.windowPairs} recorded pairs (seeded, seed ${evaluation.seed}; time order and pairing kept); every rule decides on the same windows. A false alarm is a gate on an A/A pool (all A/A pools pooled in the table) that reports a regression in any gated metric; power is the share of gates on a slowed pool that report one. Intervals are Clopper–Pearson, treating gates as independent; overlapping windows are not, so the bracket also gives the alarms among non-overlapping windows (independent, but few).`,
    '',
    `**CI minutes per gate** = trials run × ${trialSeconds} s + server starts × ${(evaluation.overheadPerSideMs / 1000).toFixed(1)} s (median server readiness + warm-up per start). perfgate starts both servers before every pair (2 starts per pair); benchstat starts each side once. Checkout and build are left out (the same per commit for every rule). github-action-benchmark and Bencher run only head in CI (one trial, one server): their history comes from earlier runs, so only head's trial time is counted.`,
    '',
  ];
  for (const set of evaluation.metricSets) {
    lines.push(`### Gating ${set.name}`, '', ...ruleTable(set, evaluation), '');
  }
  lines.push(
    "**How the peers were simulated** (details and sources in `bench/stats/rules/*.ts`): github-action-benchmark compares one head trial with the previous run's single result (a base trial 10 pairs earlier) and alarms when the worse-direction ratio exceeds the threshold; Bencher builds an upper (lower, for throughput) limit from the last 10 base results (mean ± t₀.₉₉,₉ · sd · √(1 + 1/10)) and alarms when head's single result crosses it; benchstat runs 10 base trials, then 10 head trials, and alarms when the Mann–Whitney U p ≤ 0.05 and the median is worse (optionally by ≥ 5%).",
    '',
    "**Gaps.** Peers' history here is seconds to minutes old and from the same machine; in real CI it is hours or days old and from other machines, which adds variance that would raise their false alarms further. Pools hold a few hundred pairs, so the windows overlap heavily and the rates carry more uncertainty than the Clopper–Pearson interval says. One endpoint of one app on one VM.",
    '',
  );
  return lines.join('\n');
}
