// Rebuilding stacks from a real cProfile call graph (test/fixtures/profiles/cprofile-workload.py wrote
// the fixture from a known workload) and tracemalloc growth into the one profile model.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  allocationGrowthToProfile,
  callGraphToProfile,
  diffFunctions,
  frameAt,
  mergeCallGraphs,
  summarizeFunctions,
  totalWeight,
  type CallGraphFunction,
} from '../../src/profile/index.js';

const fixture = JSON.parse(
  readFileSync(path.join(import.meta.dirname, '../fixtures/profiles/cprofile-workload.json'), 'utf8'),
) as { functions: CallGraphFunction[] };
const graph = fixture.functions;
const selfOf = (name: string) => graph.find((fn) => fn.name === name)?.selfSeconds ?? 0;
const allSelf = graph.reduce((sum, fn) => sum + fn.selfSeconds, 0);

describe('callGraphToProfile on cProfile statistics of a known workload', () => {
  const profile = callGraphToProfile(graph, { exporter: 'cProfile' });

  it('keeps every second of self time, in seconds, as a traced profile (no sample count)', () => {
    expect(profile.unit).toBe('seconds');
    expect(profile.sampleCount).toBeUndefined();
    expect(profile.exporter).toBe('cProfile');
    expect(totalWeight(profile)).toBeCloseTo(allSelf, 4);
  });

  it('ranks the hottest function first, with the self share cProfile measured', () => {
    const [first] = summarizeFunctions(profile);
    expect(first?.frame).toMatchObject({ name: 'hot', file: 'workload.py' });
    expect(first?.self).toBeCloseTo(selfOf('hot') / allSelf, 3);
  });

  it('splits a function called from two places by the time each caller spent in it', () => {
    const under = (caller: string) =>
      profile.stacks
        .filter((s) => {
          const names = s.frames.map((i) => frameAt(profile, i).name);
          return names.at(-1) === 'hot' && names.at(-2) === caller;
        })
        .reduce((sum, s) => sum + s.weight, 0);
    const edges = graph.find((fn) => fn.name === 'hot')!.callers;
    const edge = (name: string) => edges.find((c) => c.name === name)!.totalSeconds;
    expect(under('work')).toBeCloseTo(edge('work'), 4);
    expect(under('other')).toBeCloseTo(edge('other'), 4);
    expect(under('work')).toBeGreaterThan(2 * under('other')); // 30 calls against 10
  });

  it('rebuilds whole paths from the root, and cuts recursion to one frame per function', () => {
    const paths = profile.stacks.map((s) => s.frames.map((i) => frameAt(profile, i).name).join(' > '));
    expect(paths).toContain('main > work > hot');
    expect(paths).toContain('main > other > hot');
    expect(paths.filter((p) => p.includes('fib')).every((p) => p === 'main > work > fib')).toBe(true);
  });

  it('charges a builtin to the Python function that called it, and keeps its callees under that function', () => {
    const names = new Set(profile.frames.map((f) => f.name));
    expect([...names].some((name) => name.includes('built-in'))).toBe(false);
    const work = summarizeFunctions(profile).find((row) => row.frame.name === 'work')!;
    // work's own time now includes sorted()'s C time; the key lambda sits directly under work.
    expect(work.self).toBeCloseTo(
      (selfOf('work') + selfOf('<built-in method builtins.sorted>')) / allSelf,
      3,
    );
    const paths = profile.stacks.map((s) => s.frames.map((i) => frameAt(profile, i).name).join(' > '));
    expect(paths).toContain('main > work > <lambda>');
    const unfolded = callGraphToProfile(graph, { foldBuiltins: false });
    expect(unfolded.frames.some((f) => f.name === '<built-in method builtins.sorted>')).toBe(true);
  });

  it('merges processes: two identical workers double every time, shares unchanged', () => {
    const merged = mergeCallGraphs([graph, graph]);
    const hot = merged.find((fn) => fn.name === 'hot')!;
    expect(hot.selfSeconds).toBeCloseTo(2 * selfOf('hot'), 9);
    expect(hot.callers.find((c) => c.name === 'work')?.calls).toBe(60);
    const twice = callGraphToProfile(merged);
    expect(totalWeight(twice)).toBeCloseTo(2 * allSelf, 4);
    const rows = diffFunctions(profile, twice);
    expect(rows.every((row) => Math.abs(row.selfChangePp) < 1e-6)).toBe(true);
  });

  it('gives an empty profile for an empty window', () => {
    expect(callGraphToProfile([]).stacks).toEqual([]);
  });
});

describe('allocationGrowthToProfile', () => {
  const site = (line: number, name: string) => ({ file: 'app.py', line, name });
  it('weights each grown traceback by its bytes, and counts grown blocks as samples', () => {
    const profile = allocationGrowthToProfile([
      [
        {
          frames: [site(20, 'do_GET()'), site(14, 'RENDERED.append(page * 4)')],
          bytes: 3_000_000,
          count: 900,
        },
      ],
      [{ frames: [site(20, 'do_GET()'), site(12, 'rows = [...]')], bytes: 1_000, count: 3 }],
    ]);
    expect(profile.unit).toBe('bytes');
    expect(totalWeight(profile)).toBe(3_001_000);
    expect(profile.sampleCount).toBe(903);
    expect(summarizeFunctions(profile)[0]?.frame.name).toBe('RENDERED.append(page * 4)');
  });
});
