// SVG flame graphs of real py-spy recordings: they parse as XML, show the regressed function, and the
// differential one colours it by its change.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  buildProfile,
  differentialFlameGraphSvg,
  flameGraphSvg,
  fromSpeedscope,
  relativizeFrames,
} from '../../src/profile/index.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/profiles');
const load = (name: string, root: string) =>
  relativizeFrames(fromSpeedscope(JSON.parse(readFileSync(path.join(fixtures, name), 'utf8'))), [root]);
const base = load('stdlib-base.py-spy.speedscope.json', '/work/main/examples/stdlib');
const head = load('stdlib-regressed.py-spy.speedscope.json', '/work/main/examples/stdlib/variants/regressed');

interface Frame {
  title: string;
  rect: { '@_fill': string; '@_width': string; '@_y': string };
}
function framesOf(svg: string): Frame[] {
  const parsed = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'g' }).parse(svg) as {
    svg: { g?: Frame[] };
  };
  return parsed.svg.g ?? [];
}
const rgb = (fill: string) => (/rgb\((\d+),(\d+),(\d+)\)/.exec(fill) ?? []).slice(1).map(Number);

describe('flameGraphSvg', () => {
  it('is well-formed SVG with one titled frame per call path, the hot function among them', () => {
    const svg = flameGraphSvg(head, { title: 'head · search (py-spy 0.4.3)' });
    expect(XMLValidator.validate(svg)).toBe(true);
    const frames = framesOf(svg);
    expect(frames.length).toBeGreaterThan(10);
    const score = frames.filter((f) => f.title.startsWith('score (app.py'));
    expect(score.length).toBeGreaterThan(0);
    // Its main call path (… > nlargest > <lambda> > score) holds over 40% of head's samples.
    const shares = score.map((f) => Number(/\((\d+\.\d)% of samples\)$/.exec(f.title)?.[1] ?? 0));
    expect(Math.max(...shares)).toBeGreaterThan(40);
    // The root frames sit on the bottom row, callees above them.
    const ys = frames.map((f) => Number(f.rect['@_y']));
    expect(Math.max(...ys)).toBeGreaterThan(Math.min(...ys));
  });

  it('escapes names from user code', () => {
    const hostile = buildProfile('none', [
      { frames: [{ name: '<script>&"x"</script>', file: 'a.py' }], weight: 1 },
    ]);
    const svg = flameGraphSvg(hostile, { title: '</svg><svg onload=alert(1)>' });
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<svg onload');
  });
});

describe('differentialFlameGraphSvg', () => {
  it('colours the function the regression made slower red and what shrank blue', () => {
    const svg = differentialFlameGraphSvg(base, head, { title: 'search: head against base' });
    expect(XMLValidator.validate(svg)).toBe(true);
    const frames = framesOf(svg);
    const score = frames.filter((f) => f.title.startsWith('score (app.py'));
    const main = score
      .map((f) => ({ f, pp: Number(/, \+(\d+\.\d) pp\)$/.exec(f.title)?.[1] ?? 0) }))
      .sort((a, b) => b.pp - a.pp)[0];
    // The main path of score grew by well over 10 points: full red.
    expect(main?.pp).toBeGreaterThan(10);
    expect(rgb(main?.f.rect['@_fill'] ?? '')).toEqual([255, 38, 38]);
    const shrank = frames
      .map((f) => rgb(f.rect['@_fill']))
      .filter(([r, g, b]) => b === 255 && r === g && (r ?? 255) < 200);
    expect(shrank.length).toBeGreaterThan(0);
  });

  it('is all white for a profile against itself', () => {
    const fills = framesOf(differentialFlameGraphSvg(head, head, { title: 'A/A' })).map(
      (f) => f.rect['@_fill'],
    );
    expect(new Set(fills)).toEqual(new Set(['rgb(255,255,255)']));
  });
});
