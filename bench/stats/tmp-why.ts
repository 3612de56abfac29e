import { readPool } from './pool-file.js';
import { evaluatedGate, gateReadings } from './rules/perfgate.js';
import { evaluateLook, planSequentialDesign } from '../../src/compare/index.js';
import { DEFAULT_GATED_METRICS } from '../../src/model/metrics.js';
const pool = readPool(process.argv[2]!);
const gate = evaluatedGate(DEFAULT_GATED_METRICS);
const design = planSequentialDesign(gate);
for (let s = 0; s + 20 <= pool.pairs.length; s++) {
  const win = pool.pairs.slice(s, s + 20);
  for (const [look, n] of design.looks.entries()) {
    const trials = gateReadings(win, n);
    const r = evaluateLook({ trials, scenarios: ['search'], gate, design, look });
    if (r.stop) {
      if (r.outcome.verdict === 'regression')
        console.log(
          s,
          'look',
          look + 1,
          r.outcome.comparisons
            .filter((c) => c.verdict === 'regression')
            .map(
              (c) =>
                `${c.metric} ${(100 * c.change).toFixed(1)}% [${(100 * c.ci[0]).toFixed(1)},${(100 * c.ci[1]).toFixed(1)}] p=${c.pValue.toFixed(4)}`,
            )
            .join('; '),
        );
      break;
    }
  }
}
const d = pool.pairs.map(
  (p) =>
    (100 * Math.log(p.head.metrics.latency_p50 / p.base.metrics.latency_p50)).toFixed(0) +
    (p.base.position === 0 ? 'b' : 'h'),
);
console.log(d.join(' '));
