// How a report reads when head was compared with a stored baseline: the commits line names the
// baseline's commit, age and distance from the commit it stands for, Conditions has the baseline's
// source, trials and runner instead of pairs, and a gate with no baseline says what happened.
import { describe, expect, it } from 'vitest';
import { renderMarkdown, renderTerminal } from '../../src/report/index.js';
import type { StoredBaseline } from '../../src/model/results.js';
import { makeReport } from './report-fixture.js';

const regression = makeReport('regression');
const baseline: StoredBaseline = {
  source: 'artifact perfgate-perfgate of run 5001',
  sha: 'a'.repeat(40),
  branch: 'main',
  finishedAt: new Date(Date.parse(regression.startedAt) - 3 * 3_600_000).toISOString(),
  runId: 5001,
  runUrl: 'https://github.com/acme/shop/actions/runs/5001',
  runner: regression.runner,
  configHash: regression.configHash,
  trials: { 'list-items': 8, health: 8 },
  historyRuns: 2,
  runnerChanges: [],
  expected: { sha: 'b'.repeat(40), behind: 3, ahead: 0 },
};

describe('a report against a stored baseline', () => {
  it('names the baseline, its age and how far it is from the base commit', () => {
    const markdown = renderMarkdown({ ...regression, mode: 'stored', baseline });
    expect(markdown).toMatch(
      /against the stored baseline <code>aaaaaaa<\/code> on <code>main<\/code>, measured 3 h before this run, 3 commits behind the base commit <code>bbbbbbb<\/code> · PR #42; base was not measured here\./,
    );
    expect(markdown).toMatch(
      /\*\*Baseline:\*\* stored run <code>aaaaaaa<\/code> from <code>artifact perfgate-perfgate of run 5001<\/code>/,
    );
    expect(markdown).toMatch(/between-run spread not learned yet \(2 stored runs\): the default used/);
    expect(markdown).toMatch(/head only: .* trials compared, unpaired, with the stored run's/);
    expect(markdown).not.toMatch(/base ran first in/);
    expect(markdown).toMatch(/head only: a fresh process, started and warmed up before each trial/);
    expect(markdown).toMatch(/base is the stored run's median, head this run's/);
    expect(markdown).not.toMatch(/signed-rank/);
    const exact = renderTerminal({
      ...regression,
      mode: 'stored',
      baseline: { ...baseline, expected: { sha: 'a'.repeat(40), behind: 0, ahead: 0 } },
    });
    expect(exact).toMatch(/the base commit itself/);
  });

  it('says plainly that nothing was compared when there was no baseline yet', () => {
    const none = makeReport('inconclusive', {
      mode: 'stored',
      comparisons: [],
      warnings: ['no baseline yet in /s'],
    });
    const markdown = renderMarkdown(none);
    expect(markdown).toMatch(/measured alone \(no stored baseline\)/);
    expect(markdown).toMatch(/No stored baseline to compare with, so nothing was gated/);
    expect(markdown).toMatch(/no baseline yet in \/s/);
    // Head's trials are counted although nothing was compared.
    const headTrials = none.trials.filter(
      (t) => t.side === 'head' && t.scenario === 'list-items' && !t.discarded,
    );
    expect(markdown).toContain(`head only: <code>list-items</code> ${headTrials.length}, `);
    expect(headTrials.length).toBeGreaterThan(0);
  });
});

describe('an inconclusive stored comparison', () => {
  it('does not promise that more trials would settle it', () => {
    const inconclusive = makeReport('inconclusive');
    const markdown = renderMarkdown({ ...inconclusive, mode: 'stored', baseline });
    expect(markdown).toMatch(/run-to-run spread limits what can be shown, and more trials do not remove it/);
    expect(markdown).not.toMatch(/more pairs would settle it/);
  });
});
