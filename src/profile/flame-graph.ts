/**
 * Static SVG flame graphs (Brendan Gregg's layout: root at the bottom, each frame as wide as its
 * share of the samples, callees stacked above), one per side, and a differential one: head's graph
 * with every frame coloured by how its share changed against base (red grew, blue shrank), as
 * Gregg's difffolded.pl and `flamegraph.pl --negate` draw them ("Differential Flame Graphs", 2014).
 * No script, so they render anywhere an SVG does (GitHub's file viewer, a browser); each frame's
 * `<title>` carries its name, location and shares. Written here rather than taken from a library:
 * the npm packages that draw flame graphs need a DOM (d3-flame-graph) or are unmaintained. Pure.
 */
import { frameLabel, totalWeight, stacksOf, type Profile, type ProfileFrame, functionKey } from './model.js';

/** Options of the SVG renderers. */
export interface FlameGraphOptions {
  /** Heading drawn above the graph (escaped). */
  readonly title: string;
  /** Width of the image in px; default 1200. */
  readonly width?: number;
  /** Frames narrower than this many px are not drawn (their weight stays in their parent); default 0.5. */
  readonly minWidthPx?: number;
}

interface Node {
  readonly frame: ProfileFrame | undefined;
  weight: number;
  readonly children: Map<string, Node>;
}

const FRAME_HEIGHT = 16;
const CHAR_PX = 6.6; // average glyph width of 11 px monospace text
const HEADER = 36;

/** A side's flame graph. Frames are merged by name and file (lines ignored, as the diff table does). */
export function flameGraphSvg(profile: Profile, options: FlameGraphOptions): string {
  const root = buildTree(profile);
  return render(root, options, (node, depth) => ({
    fill: warmColour(node.frame?.name ?? '', depth),
    detail: `${percent(node.weight / (root.weight || 1))} of samples`,
  }));
}

/**
 * Head's flame graph coloured by change: a frame (a call path) whose share of samples grew against
 * base is red, one that shrank is blue, full saturation at ±`saturatePp` percentage points
 * (default 10); paths only in head count as grown from 0.
 */
export function differentialFlameGraphSvg(
  base: Profile,
  head: Profile,
  options: FlameGraphOptions & { readonly saturatePp?: number },
): string {
  const baseRoot = buildTree(base);
  const headRoot = buildTree(head);
  const saturate = options.saturatePp ?? 10;
  return render(headRoot, options, (node, _depth, path) => {
    const headShare = node.weight / (headRoot.weight || 1);
    const before = lookup(baseRoot, path);
    const baseShare = (before?.weight ?? 0) / (baseRoot.weight || 1);
    const deltaPp = (headShare - baseShare) * 100;
    return {
      fill: changeColour(deltaPp / saturate),
      detail: `base ${percent(baseShare)}, head ${percent(headShare)}, ${deltaPp >= 0 ? '+' : '−'}${Math.abs(deltaPp).toFixed(1)} pp`,
    };
  });
}

function buildTree(profile: Profile): Node {
  const root: Node = { frame: undefined, weight: totalWeight(profile), children: new Map() };
  for (const stack of stacksOf(profile)) {
    let node = root;
    for (const frame of stack.frames) {
      const key = functionKey(frame);
      let child = node.children.get(key);
      if (child === undefined) {
        child = { frame, weight: 0, children: new Map() };
        node.children.set(key, child);
      }
      child.weight += stack.weight;
      node = child;
    }
  }
  return root;
}

function lookup(root: Node, path: readonly string[]): Node | undefined {
  let node: Node | undefined = root;
  for (const key of path) node = node?.children.get(key);
  return node;
}

function render(
  root: Node,
  options: FlameGraphOptions,
  paint: (node: Node, depth: number, path: readonly string[]) => { fill: string; detail: string },
): string {
  const width = options.width ?? 1200;
  const minWidth = options.minWidthPx ?? 0.5;
  const scale = root.weight > 0 ? width / root.weight : 0;
  // First pass: the depth drawn, so y (depth 0 at the bottom) is known when each frame is written.
  const depthOf = (node: Node, depth: number): number => {
    let deepest = depth;
    for (const child of node.children.values()) {
      if (child.weight * scale >= minWidth) deepest = Math.max(deepest, depthOf(child, depth + 1));
    }
    return deepest;
  };
  const maxDepth = depthOf(root, 0);
  const height = HEADER + (maxDepth + 1) * FRAME_HEIGHT;
  const yAt = (depth: number): number => height - (depth + 1) * FRAME_HEIGHT;
  const body: string[] = [];
  const walk = (node: Node, x: number, depth: number, path: readonly string[]): void => {
    let childX = x;
    const children = [...node.children.entries()].sort(([a], [b]) => a.localeCompare(b));
    for (const [key, child] of children) {
      const w = child.weight * scale;
      if (w >= minWidth) {
        const childPath = [...path, key];
        body.push(frameRect(child, childX, yAt(depth), w, paint(child, depth, childPath)));
        walk(child, childX, depth + 1, childPath);
      }
      childX += w;
    }
  };
  walk(root, 0, 0, []);
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="11">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(options.title)}</text>`,
    ...body,
    `</svg>`,
    '',
  ].join('\n');
}

function frameRect(
  node: Node,
  x: number,
  y: number,
  w: number,
  look: { fill: string; detail: string },
): string {
  const label = node.frame === undefined ? '' : frameLabel(node.frame);
  const fits = Math.floor((w - 4) / CHAR_PX);
  const shown = fits < 3 ? '' : label.length <= fits ? label : `${label.slice(0, fits - 2)}..`;
  const tooltip = `${label} (${look.detail})`;
  return (
    `<g><title>${escapeXml(tooltip)}</title>` +
    `<rect x="${x.toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="${FRAME_HEIGHT - 1}" fill="${look.fill}" rx="2"/>` +
    (shown === '' ? '' : `<text x="${(x + 3).toFixed(2)}" y="${y}" dy="11.5">${escapeXml(shown)}</text>`) +
    `</g>`
  );
}

/** flamegraph.pl's "hot" palette, varied by name so neighbours differ; deterministic. */
function warmColour(name: string, depth: number): string {
  let hash = depth * 31;
  for (const char of name) hash = (hash * 33 + char.charCodeAt(0)) >>> 0;
  const r = 205 + (hash % 50);
  const g = (hash >>> 8) % 230;
  const b = (hash >>> 16) % 55;
  return `rgb(${r},${g},${b})`;
}

/** −1 (shrank, blue) … 0 (white) … +1 (grew, red), clamped. */
function changeColour(t: number): string {
  const v = Math.max(-1, Math.min(1, t));
  const fade = Math.round(255 * (1 - Math.abs(v) * 0.85));
  return v >= 0 ? `rgb(255,${fade},${fade})` : `rgb(${fade},${fade},255)`;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
