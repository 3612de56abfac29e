// The dependency direction of src/: run.ts composes targets/ (servers) and measure/ (trials);
// measure/ talks to the servers through ports, so neither folder may reach back into the other.
// A small static walker over import/export statements (type-only imports count: they are design
// dependencies even when erased).
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const src = path.resolve(import.meta.dirname, '../../src');

/** An import of one src/ module by another, with the names it imports. */
interface ImportEdge {
  from: string;
  to: string;
  /** The text between `import`/`export` and `from` (empty for a side-effect import). */
  clause: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const importPattern =
  /^\s*(?:import|export)\s+([^'";]*?)\s*from\s*'(\.{1,2}\/[^']+)'|^\s*import\s*'(\.{1,2}\/[^']+)'|import\(\s*'(\.{1,2}\/[^']+)'\s*\)/gm;

/** Relative imports among the given files, resolved to src/-relative paths of .ts files. */
function importEdges(files: readonly string[]): ImportEdge[] {
  return files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(importPattern)].map((m) => {
      const specifier = m[2] ?? m[3] ?? m[4] ?? '';
      const target = path.resolve(path.dirname(file), specifier).replace(/\.js$/, '.ts');
      return { from: path.relative(src, file), to: path.relative(src, target), clause: m[1] ?? '' };
    }),
  );
}

/** The folder a module belongs to (`measure`), or the module itself at the top (`run.ts`). */
const unitOf = (module: string): string => module.split('/')[0] ?? module;

/** Every cycle (as a path a → … → a) found by depth-first search over `edges`; [] when acyclic. */
function findCycles(edges: ReadonlyArray<readonly [string, string]>): string[][] {
  const next = new Map<string, Set<string>>();
  for (const [a, b] of edges) if (a !== b) next.set(a, (next.get(a) ?? new Set()).add(b));
  const cycles: string[][] = [];
  const done = new Set<string>();
  const visit = (node: string, stack: string[]): void => {
    const at = stack.indexOf(node);
    if (at >= 0) {
      cycles.push([...stack.slice(at), node]);
      return;
    }
    if (done.has(node)) return;
    for (const n of next.get(node) ?? []) visit(n, [...stack, node]);
    done.add(node);
  };
  for (const node of next.keys()) visit(node, []);
  return cycles;
}

const edges = importEdges(sourceFiles(src));

describe('src/ import graph', () => {
  it('walks the real imports (every target exists, the known edges are found)', () => {
    const modules = new Set(sourceFiles(src).map((f) => path.relative(src, f)));
    expect(edges.filter((e) => !modules.has(e.to))).toEqual([]);
    expect(edges).toContainEqual(expect.objectContaining({ from: 'run.ts', to: 'ports.ts' }));
    expect(edges).toContainEqual(expect.objectContaining({ from: 'main.ts', to: 'run.ts' }));
  });

  it('has no import cycle between modules', () => {
    expect(findCycles(edges.map((e) => [e.from, e.to] as const)).map((c) => c.join(' → '))).toEqual([]);
  });

  it('has no import cycle between folders (targets/ ↔ measure/ included)', () => {
    const folderEdges = edges.map((e) => [unitOf(e.from), unitOf(e.to)] as const);
    expect(findCycles(folderEdges).map((c) => c.join(' → '))).toEqual([]);
  });

  it("the trial phase's ports live in ports.ts: targets/ takes only the warm-up from measure/", () => {
    const fromMeasure = edges.filter((e) => unitOf(e.from) === 'targets' && unitOf(e.to) === 'measure');
    expect(fromMeasure.map((e) => `${e.to}: ${e.clause}`)).toEqual(['measure/measure-trial.ts: { warmUp }']);
  });

  it('finds a cycle when there is one', () => {
    expect(
      findCycles([
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'a'],
        ['c', 'd'],
      ]),
    ).toEqual([['a', 'b', 'c', 'a']]);
  });
});
