// fromCpuProfile on a real `node --cpu-prof` recording of test/fixtures/profiles/node-burn.cjs
// (test/fixtures/profiles/README.md), and on that recording broken in the ways the format can break.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fromCpuProfile,
  ProfileFormatError,
  relativizeFrames,
  stacksOf,
  summarizeFunctions,
  totalWeight,
} from '../../src/profile/index.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/profiles');
/** Where the script lay when it was recorded. */
const recordedRoot = '/work/wt-node/test/fixtures/profiles';

interface RawNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface RawProfile {
  nodes: RawNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}
const raw = (): RawProfile =>
  JSON.parse(readFileSync(path.join(fixtures, 'node-burn.cpuprofile'), 'utf8')) as RawProfile;

describe('fromCpuProfile on node --cpu-prof output', () => {
  const recording = raw();
  const profile = fromCpuProfile(recording, { exporter: 'node 20.20.2 --cpu-prof' });
  const idleIds = new Set(
    recording.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id),
  );

  it('weighs each sample by its time delta: the total is the recorded time of the samples that were not idle', () => {
    expect(recording.timeDeltas.every((d) => d >= 0)).toBe(true); // so the plain sum is the reference
    const busyUs = recording.timeDeltas.reduce(
      (sum, d, i) => sum + (idleIds.has(recording.samples[i]!) ? 0 : d),
      0,
    );
    expect(profile.unit).toBe('microseconds');
    expect(totalWeight(profile)).toBe(busyUs);
    const idleUs = recording.timeDeltas.reduce((sum, d) => sum + d, 0) - busyUs;
    expect(idleUs).toBeGreaterThan(0); // the recording has idle time to drop
    expect(recording.endTime - recording.startTime).toBeGreaterThanOrEqual(busyUs + idleUs);
  });

  it('counts the samples it kept and names its exporter', () => {
    const idle = recording.samples.filter((id) => idleIds.has(id)).length;
    expect(idle).toBeGreaterThan(0);
    expect(profile.sampleCount).toBe(recording.samples.length - idle);
    expect(profile.exporter).toBe('node 20.20.2 --cpu-prof');
    expect(fromCpuProfile(recording).exporter).toBe('V8 CPU profile');
  });

  it('puts the script’s hot function on top, with its file relative to the checkout and its 1-based line', () => {
    const rows = summarizeFunctions(relativizeFrames(profile, [recordedRoot]));
    const [first] = rows;
    expect(first?.frame).toEqual({ name: 'score', file: 'node-burn.cjs', line: 9 });
    expect(first?.self).toBeGreaterThan(0.6);
    const tokenize = rows.find((row) => row.frame.name === 'tokenize');
    expect(tokenize?.frame).toMatchObject({ file: 'node-burn.cjs', line: 5 });
    expect(tokenize!.total).toBeGreaterThan(tokenize!.self); // its regular expression runs under it
  });

  it('has outermost-first stacks without (root) or (idle), and names anonymous functions', () => {
    const stacks = [...stacksOf(profile)];
    const names = new Set(profile.frames.map((f) => f.name));
    expect(names.has('(root)')).toBe(false);
    expect(names.has('(idle)')).toBe(false);
    expect(names.has('')).toBe(false);
    expect(names.has('(garbage collector)')).toBe(true);
    const scoreStack = stacks.find((s) => s.frames[s.frames.length - 1]?.name === 'score');
    expect(scoreStack?.frames.map((f) => f.name)).toEqual([
      'processTimers',
      'listOnTimeout',
      '(anonymous)',
      'score',
    ]);
    expect(scoreStack?.frames[0]).toMatchObject({ file: 'node:internal/timers' });
    expect(scoreStack?.frames[2]).toEqual({
      name: '(anonymous)',
      file: `${recordedRoot}/node-burn.cjs`,
      line: 23,
    });
    // V8's synthetic nodes have no file and no line.
    expect(profile.frames.find((f) => f.name === '(garbage collector)')).toEqual({
      name: '(garbage collector)',
    });
  });

  it('drops and does not count the samples that pass through an omitted file', () => {
    const script = `${recordedRoot}/node-burn.cjs`;
    const omitted = fromCpuProfile(recording, { omitFiles: [script] });
    const inScript = [...stacksOf(profile)].filter((s) => s.frames.some((f) => f.file === script));
    expect(inScript.length).toBeGreaterThan(0);
    expect(omitted.frames.some((f) => f.file === script)).toBe(false);
    expect(totalWeight(omitted)).toBe(totalWeight(profile) - inScript.reduce((sum, s) => sum + s.weight, 0));
    expect(omitted.sampleCount).toBeLessThan(profile.sampleCount! - 500); // score alone had 516
  });

  it('decodes percent-escapes of file URLs and resumes the clock after a negative delta', () => {
    const edited = raw();
    const score = edited.nodes.find((n) => n.callFrame.functionName === 'score')!;
    score.callFrame.url = 'file:///srv/my%20app/server.js';
    edited.samples = [score.id, score.id, score.id];
    edited.timeDeltas = [100, -40, 90];
    const p = fromCpuProfile(edited);
    expect(p.frames.find((f) => f.name === 'score')?.file).toBe('/srv/my app/server.js');
    // 100, then 60 back (weighs 0), then 90 forward of which 50 pass the latest time seen.
    expect(totalWeight(p)).toBe(150);
    expect(p.sampleCount).toBe(3);
  });
});

describe('fromCpuProfile on broken input', () => {
  const cases: [string, (p: RawProfile) => unknown, RegExp][] = [
    ['not an object', () => 'profile', /not a V8 CPU profile \(\.cpuprofile\): \(root\)/],
    ['no nodes', (p) => ({ ...p, nodes: [] }), /not a V8 CPU profile.*nodes/],
    ['a node without a call frame', (p) => ({ ...p, nodes: [{ id: 1 }] }), /nodes\.0\.callFrame/],
    ['samples missing', (p) => ({ ...p, samples: undefined }), /samples: .*expected array/],
    ['timeDeltas as text', (p) => ({ ...p, timeDeltas: 'x' }), /timeDeltas/],
    [
      'samples and deltas of different lengths',
      (p) => ({ ...p, timeDeltas: p.timeDeltas.slice(1) }),
      /has 840 samples but 839 timeDeltas/,
    ],
    [
      'a sample naming no node',
      (p) => ({ ...p, samples: [...p.samples.slice(1), 999] }),
      /sample names node 999/,
    ],
    [
      'a child naming no node',
      (p) => ({
        ...p,
        nodes: p.nodes.map((n) => (n.id === 1 ? { ...n, children: [...(n.children ?? []), 998] } : n)),
      }),
      /node 1 lists child 998, which does not exist/,
    ],
    ['two nodes with one id', (p) => ({ ...p, nodes: [...p.nodes, p.nodes[1]] }), /two nodes with id 2/],
    [
      'a cycle',
      (p) => ({
        ...p,
        nodes: [
          { id: 1, callFrame: frame('a'), children: [2] },
          { id: 2, callFrame: frame('b'), children: [1] },
        ],
        samples: [2],
        timeDeltas: [5],
      }),
      /cycle/,
    ],
  ];
  it.each(cases)('%s: ProfileFormatError naming what is wrong', (_, edit, message) => {
    const attempt = () => fromCpuProfile(edit(raw()));
    expect(attempt).toThrow(ProfileFormatError);
    expect(attempt).toThrow(message);
  });

  it('an empty recording is an empty profile with no samples', () => {
    const p = fromCpuProfile({ ...raw(), samples: [], timeDeltas: [] });
    expect(p.stacks).toEqual([]);
    expect(p.sampleCount).toBe(0);
  });
});

function frame(functionName: string) {
  return { functionName, url: 'file:///a.js', lineNumber: 0, columnNumber: 0 };
}
