/**
 * Tracing profilers' call graphs (cProfile's and yappi's pstats: per function its calls, self and
 * total time, and the same per caller) turned into the stack model every report and flame graph reads.
 * pstats keeps no stacks, only caller→callee edges, so stacks are rebuilt the way flameprof and
 * gprof2dot do: from each root, a callee's time on a path is its edge's total time scaled by the share
 * of its caller's time that path holds. Self times add up exactly to each function's measured self
 * time when all of it is reachable from a root; how it splits among call paths is an estimate (a
 * function called from two places is assumed to cost the same per call on both). Pure.
 */
import { buildProfile, type Profile, type ProfileFrame } from './model.js';

/** A function as identified in pstats: `(file, line, name)`. */
export interface CallGraphKey {
  readonly file: string;
  readonly line: number;
  readonly name: string;
}

/** Counts and times of a function, or of one caller's calls of it. */
export interface CallGraphTimes {
  /** Calls, recursive ones included (pstats `nc`). */
  readonly calls: number;
  /** Calls that were not recursive (pstats `cc`). */
  readonly primitiveCalls: number;
  /** Time in the function itself, in seconds (pstats `tt`). */
  readonly selfSeconds: number;
  /** Time in the function and what it called, in seconds (pstats `ct`). */
  readonly totalSeconds: number;
}

/** One row of the bootstrap's JSON (src/adapters/bootstrap/sitecustomize.py `stats_to_functions`). */
export interface CallGraphFunction extends CallGraphKey, CallGraphTimes {
  /** Who called it, with the times of those calls. */
  readonly callers: readonly (CallGraphKey & CallGraphTimes)[];
}

/** Options of {@link callGraphToProfile}. */
export interface CallGraphOptions {
  /** Deepest stack rebuilt (default 128 frames). */
  readonly maxDepth?: number;
  /** Paths holding less than this share of all self time are not followed (default 1e-5). */
  readonly minShare?: number;
  /** Written to the profile's `exporter` (e.g. `cProfile`). */
  readonly exporter?: string;
  /**
   * Charge built-in functions' time (pstats file `~`: `<method 'execute' of 'sqlite3.Connection'
   * objects>`) to the Python function that called them, as py-spy and yappi (`builtins=False`) do, so
   * the tables name the user's function (default true).
   */
  readonly foldBuiltins?: boolean;
}

/** Built-in functions' pseudo-files in pstats (`~`), shown without a file. */
const BUILTIN_FILE = '~';

function keyOf(key: CallGraphKey): string {
  return `${key.file}\u0000${key.line}\u0000${key.name}`;
}

/**
 * Sums the call graphs of several processes (or threads) into one: times and counts of the same
 * function and of the same caller edge added.
 */
export function mergeCallGraphs(graphs: readonly (readonly CallGraphFunction[])[]): CallGraphFunction[] {
  const merged = new Map<
    string,
    { fn: Mutable<CallGraphFunction>; callers: Map<string, Mutable<CallGraphKey & CallGraphTimes>> }
  >();
  for (const graph of graphs) {
    for (const fn of graph) {
      const key = keyOf(fn);
      let entry = merged.get(key);
      if (entry === undefined) {
        entry = {
          fn: {
            file: fn.file,
            line: fn.line,
            name: fn.name,
            calls: 0,
            primitiveCalls: 0,
            selfSeconds: 0,
            totalSeconds: 0,
            callers: [],
          },
          callers: new Map(),
        };
        merged.set(key, entry);
      }
      add(entry.fn, fn);
      for (const caller of fn.callers) {
        const callerKey = keyOf(caller);
        let edge = entry.callers.get(callerKey);
        if (edge === undefined) {
          edge = {
            file: caller.file,
            line: caller.line,
            name: caller.name,
            calls: 0,
            primitiveCalls: 0,
            selfSeconds: 0,
            totalSeconds: 0,
          };
          entry.callers.set(callerKey, edge);
        }
        add(edge, caller);
      }
    }
  }
  return [...merged.values()].map(({ fn, callers }) => ({ ...fn, callers: [...callers.values()] }));
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function add(into: Mutable<CallGraphTimes>, from: CallGraphTimes): void {
  into.calls += from.calls;
  into.primitiveCalls += from.primitiveCalls;
  into.selfSeconds += from.selfSeconds;
  into.totalSeconds += from.totalSeconds;
}

/**
 * Rebuilds call stacks from a call graph (see the module comment): weights in seconds of time,
 * no `sampleCount` (the diff table's noise mark then uses its floor only).
 * Roots are the functions nobody in the graph called; a function whose callers account for less than
 * its total time also starts a path of its own with the rest (time entered from outside the window's
 * records, such as a frame already running when the window opened). Recursion is cut where a function
 * would appear twice on one path (its recursive time is already in the outer call's total).
 */
export function callGraphToProfile(
  graph: readonly CallGraphFunction[],
  options: CallGraphOptions = {},
): Profile {
  const maxDepth = options.maxDepth ?? 128;
  const foldBuiltins = options.foldBuiltins ?? true;
  const byKey = new Map<string, CallGraphFunction>();
  for (const fn of graph) byKey.set(keyOf(fn), fn);
  /** callee edges per caller key: [callee, time of the callee under that caller (s)]. */
  const callees = new Map<string, { callee: CallGraphFunction; seconds: number }[]>();
  const enteredFromCallers = new Map<string, number>();
  for (const fn of graph) {
    for (const caller of fn.callers) {
      const callerKey = keyOf(caller);
      if (!byKey.has(callerKey) || callerKey === keyOf(fn)) continue;
      const list = callees.get(callerKey) ?? [];
      list.push({ callee: fn, seconds: caller.totalSeconds });
      callees.set(callerKey, list);
      enteredFromCallers.set(keyOf(fn), (enteredFromCallers.get(keyOf(fn)) ?? 0) + caller.totalSeconds);
    }
  }
  const totalSelf = graph.reduce((sum, fn) => sum + Math.max(0, fn.selfSeconds), 0);
  const minSeconds = totalSelf * (options.minShare ?? 1e-5);
  const frameOf = (fn: CallGraphFunction): ProfileFrame =>
    fn.file === BUILTIN_FILE || fn.file === ''
      ? { name: fn.name }
      : { name: fn.name, file: fn.file, line: fn.line };
  const stacks: { frames: ProfileFrame[]; weight: number }[] = [];
  const onPath = new Set<string>();
  const path: ProfileFrame[] = [];

  /** Walks `fn` given `seconds` of its total time on the current path. */
  const walk = (fn: CallGraphFunction, seconds: number): void => {
    const key = keyOf(fn);
    if (seconds < minSeconds || onPath.has(key) || path.length >= maxDepth) return;
    const share = fn.totalSeconds > 0 ? Math.min(1, seconds / fn.totalSeconds) : 0;
    // A folded built-in adds its time to its caller's frame: no frame of its own.
    const folded = foldBuiltins && path.length > 0 && fn.file === BUILTIN_FILE;
    onPath.add(key);
    if (!folded) path.push(frameOf(fn));
    const self = Math.max(0, fn.selfSeconds) * share;
    if (self > 0) stacks.push({ frames: [...path], weight: self });
    for (const { callee, seconds: edgeSeconds } of callees.get(key) ?? []) walk(callee, edgeSeconds * share);
    if (!folded) path.pop();
    onPath.delete(key);
  };

  for (const fn of graph) {
    const entered = enteredFromCallers.get(keyOf(fn)) ?? 0;
    const rest = fn.totalSeconds - entered;
    // A root, or time that no recorded caller accounts for (more than rounding).
    if (entered === 0 || rest > Math.max(minSeconds, fn.totalSeconds * 1e-3))
      walk(fn, entered === 0 ? fn.totalSeconds : rest);
  }
  return buildProfile(
    'seconds',
    stacks,
    options.exporter === undefined ? {} : { exporter: options.exporter },
  );
}
