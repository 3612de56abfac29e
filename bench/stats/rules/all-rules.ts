/** Every rule of the evaluation, perfgate first. */
import { createBencherTTestRule } from './bencher-t-test.js';
import { createBenchstatRule } from './benchstat.js';
import type { DecisionRule } from './decision-rule.js';
import { createGithubActionBenchmarkRule } from './github-action-benchmark.js';
import { createPerfgateFixedRule, createPerfgateRule } from './perfgate.js';
import { DEFAULTS } from '../../../src/config/defaults.js';

/** perfgate (sequential, as shipped), perfgate without early stop, perfgate at a 3% threshold, then the peers. */
export function createAllRules(): DecisionRule[] {
  return [
    createPerfgateRule(),
    // The same with a budget that never binds: looks planned for all of gate.trials.
    createPerfgateRule(undefined, DEFAULTS.gate.trials),
    createPerfgateFixedRule(),
    // A user who must catch 5% regressions most of the time lowers the threshold below 5%.
    createPerfgateRule(0.03),
    createGithubActionBenchmarkRule(2),
    createGithubActionBenchmarkRule(1.1),
    createBencherTTestRule(0.99),
    createBenchstatRule(0.05, 0),
    createBenchstatRule(0.05, 0.05),
  ];
}
