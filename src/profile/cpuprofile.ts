/**
 * V8's CPU profile (`.cpuprofile`: what `node --cpu-prof`, Chrome DevTools and the inspector's
 * `Profiler.stop` write; the `Profiler.Profile` type of the DevTools protocol,
 * https://chromedevtools.github.io/devtools-protocol/tot/Profiler/#type-Profile) to the profile model.
 * Pure.
 */
import { z } from 'zod';
import { buildProfile, type Profile, type ProfileFrame } from './model.js';
import { ProfileFormatError } from './speedscope.js';

const callFrame = z.object({
  functionName: z.string(),
  url: z.string(),
  /** 0-based; -1 for V8's synthetic nodes. */
  lineNumber: z.number().int(),
  columnNumber: z.number().int(),
});
const node = z.object({
  id: z.number().int(),
  callFrame,
  children: z.array(z.number().int()).optional(),
  /** Chrome's trace-event chunks link a node to its parent instead of listing children. */
  parent: z.number().int().optional(),
});
const cpuProfile = z.object({
  nodes: z.array(node).min(1),
  /** µs, V8's monotonic clock. */
  startTime: z.number(),
  endTime: z.number(),
  samples: z.array(z.number().int()),
  /** µs between consecutive samples; the first is from `startTime`. */
  timeDeltas: z.array(z.number()),
});

/** V8's synthetic root: the parent of every stack, not a function. */
const ROOT = '(root)';
/** The thread waiting for work (Node's event loop in epoll): not CPU time. */
const IDLE = '(idle)';

/** Options of {@link fromCpuProfile}. */
export interface CpuProfileOptions {
  /** The tool that recorded it, for the report (default `V8 CPU profile`). */
  readonly exporter?: string;
  /**
   * Files (as frames name them: `file://` stripped) whose samples are dropped and not counted: a
   * profiler's own code running in the profiled process (perfgate's bootstrap and its timer).
   */
  readonly omitFiles?: readonly string[];
}

/**
 * Reads a V8 CPU profile (parsed JSON) into a {@link Profile} in microseconds.
 *
 * - Stacks: each sample's node and its ancestors, outermost first; V8's `(root)` is not a frame.
 * - Weights: a sample weighs the time since the previous one (`timeDeltas[i]` µs, the first since
 *   `startTime`), so a profile's weights add up to the time it recorded. A negative delta (V8 can
 *   record samples out of order) weighs 0 and the clock resumes from the latest time seen, as
 *   speedscope's Chrome importer does (jlfwong/speedscope#305).
 * - `(idle)` samples are dropped: the thread was waiting for work, which is no CPU time, as py-spy's
 *   `--gil` leaves out threads waiting in `recv`. `(program)` (native code outside JavaScript: the
 *   HTTP parser, libuv, V8 compiling) and `(garbage collector)` stay, as frames without a file: both
 *   are CPU the server spends per request, and an allocation regression shows as garbage collection.
 * - `sampleCount` counts the samples kept (not idle, not in `omitFiles`), the number behind the
 *   shares' noise mark.
 * - Frames: `functionName`, or `(anonymous)` when empty (several anonymous functions of one file
 *   are then one function in the hot-function tables, which match on name and file); `file` from
 *   `url` with `file://` stripped and percent-escapes decoded (`node:internal/…` kept as is, none
 *   for V8's synthetic nodes); `line` 1-based (V8's `lineNumber` is 0-based).
 *
 * @throws ProfileFormatError when the JSON is not a CPU profile (field named), samples and time
 *   deltas differ in length, a sample or child names a node that does not exist, node ids repeat,
 *   or the parent links form a cycle.
 */
export function fromCpuProfile(json: unknown, options: CpuProfileOptions = {}): Profile {
  const parsed = cpuProfile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProfileFormatError(
      `not a V8 CPU profile (.cpuprofile): ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`,
    );
  }
  const { nodes, samples, timeDeltas } = parsed.data;
  if (samples.length !== timeDeltas.length) {
    throw new ProfileFormatError(
      `CPU profile has ${samples.length} samples but ${timeDeltas.length} timeDeltas`,
    );
  }
  const stackOf = stackResolver(nodes);
  const omitted = new Set(options.omitFiles ?? []);
  const stacks: { frames: readonly ProfileFrame[]; weight: number }[] = [];
  let sampleCount = 0;
  let elapsedUs = 0;
  let latestUs = 0;
  samples.forEach((id, i) => {
    elapsedUs += timeDeltas[i] ?? 0;
    const weight = Math.max(0, elapsedUs - latestUs);
    latestUs = Math.max(latestUs, elapsedUs);
    const stack = stackOf(id);
    if (stack === undefined || stack.length === 0) return;
    if (omitted.size > 0 && stack.some((f) => f.file !== undefined && omitted.has(f.file))) return;
    sampleCount += 1;
    stacks.push({ frames: stack, weight });
  });
  return buildProfile('microseconds', stacks, {
    sampleCount,
    exporter: options.exporter ?? 'V8 CPU profile',
  });
}

type CpuProfileNode = z.infer<typeof node>;

/**
 * Links the nodes to their parents and returns a function from a sample's node id to its stack
 * (memoized: a profile's samples share few nodes), or undefined for an idle sample.
 */
function stackResolver(
  nodes: readonly CpuProfileNode[],
): (id: number) => readonly ProfileFrame[] | undefined {
  const byId = new Map<number, CpuProfileNode>();
  for (const n of nodes) {
    if (byId.has(n.id)) throw new ProfileFormatError(`CPU profile has two nodes with id ${n.id}`);
    byId.set(n.id, n);
  }
  const parentOf = new Map<number, number>();
  for (const n of nodes) {
    if (n.parent !== undefined) parentOf.set(n.id, n.parent);
    for (const child of n.children ?? []) {
      if (!byId.has(child))
        throw new ProfileFormatError(`CPU profile node ${n.id} lists child ${child}, which does not exist`);
      parentOf.set(child, n.id);
    }
  }
  const memo = new Map<number, readonly ProfileFrame[] | undefined>();
  return (id) => {
    if (memo.has(id)) return memo.get(id);
    const path: CpuProfileNode[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const found = byId.get(at);
      if (found === undefined)
        throw new ProfileFormatError(
          path.length === 0
            ? `a CPU profile sample names node ${at}, which does not exist`
            : `CPU profile node ${path[path.length - 1]?.id} has parent ${at}, which does not exist`,
        );
      if (path.length >= byId.size)
        throw new ProfileFormatError(`CPU profile nodes form a cycle through node ${id}`);
      path.push(found);
    }
    const stack = path[0]?.callFrame.functionName === IDLE ? undefined : path.reverse().flatMap(toFrame);
    memo.set(id, stack);
    return stack;
  };
}

/** One node's frame; none for V8's root. */
function toFrame({ callFrame: c }: CpuProfileNode): ProfileFrame[] {
  if (c.functionName === ROOT && c.url === '') return [];
  const file = fileOf(c.url);
  return [
    {
      name: c.functionName === '' ? '(anonymous)' : c.functionName,
      ...(file === undefined ? {} : { file }),
      ...(file === undefined || c.lineNumber < 0 ? {} : { line: c.lineNumber + 1 }),
    },
  ];
}

/** `file:///srv/app.js` → `/srv/app.js`; `node:http` and other URLs unchanged; none when empty. */
function fileOf(url: string): string | undefined {
  if (url === '') return undefined;
  if (!url.startsWith('file://')) return url;
  const pathPart = url.slice('file://'.length);
  try {
    return decodeURIComponent(pathPart);
  } catch {
    return pathPart; // a stray `%` in a name that was never escaped
  }
}
