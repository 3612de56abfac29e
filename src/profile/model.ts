/**
 * The one profile model every profiler's output is converted to: a sampled call-stack profile, as
 * speedscope's `SampledProfile` (https://github.com/jlfwong/speedscope/wiki/Importing-from-custom-sources)
 * and Brendan Gregg's folded stacks both describe it. Pure data.
 */

/** A function in a profile. */
export interface ProfileFrame {
  /** Function name as the profiler reports it (`score`, `Handler.do_GET`, `<module>`). */
  readonly name: string;
  /** Source file, relative to the checkout when it lies inside it (see relativizeFrames). */
  readonly file?: string;
  /** 1-based line: the function's first line where the profiler gives it (py-spy `--function`). */
  readonly line?: number;
}

/** One distinct call stack and how much of the profile it accounts for. */
export interface ProfileStack {
  /** Indices into `frames`, outermost caller first, the running function last. */
  readonly frames: readonly number[];
  /** Weight in the profile's `unit` (seconds of samples, sample counts, ms of traced time). */
  readonly weight: number;
}

/** A whole profile of one side (base or head) of one scenario, all processes and threads merged. */
export interface Profile {
  /** Unit of every `weight`: `seconds` (py-spy), `milliseconds`, `nanoseconds` or `samples` (none). */
  readonly unit: ProfileUnit;
  readonly frames: readonly ProfileFrame[];
  /** Distinct stacks (identical frame sequences merged, weights summed), in first-seen order. */
  readonly stacks: readonly ProfileStack[];
  /**
   * Number of samples behind the profile, when it was sampled (py-spy, Node's --cpu-prof); absent for
   * tracing profilers (cProfile, yappi), whose weights are measured times. Used for the noise mark.
   */
  readonly sampleCount?: number;
  /** The tool that recorded it (`py-spy@0.4.3`, `cProfile`), for the report. */
  readonly exporter?: string;
}

/** Weight units speedscope's file format defines. */
export type ProfileUnit = 'none' | 'nanoseconds' | 'microseconds' | 'milliseconds' | 'seconds' | 'bytes';

/** The label a frame is shown with and keyed by: `name (file:line)`, or `name` without a file. */
export function frameLabel(frame: ProfileFrame): string {
  if (frame.file === undefined) return frame.name;
  return `${frame.name} (${frame.file}${frame.line === undefined ? '' : `:${frame.line}`})`;
}

/**
 * The key a function is matched on across frames, sides and call paths: `name (file)`, the line left
 * out because an edit above a function moves its first line.
 */
export function functionKey(frame: ProfileFrame): string {
  return frameLabel({ name: frame.name, ...(frame.file === undefined ? {} : { file: frame.file }) });
}

/** Sum of every stack's weight (0 for an empty profile). */
export function totalWeight(profile: Profile): number {
  let total = 0;
  for (const stack of profile.stacks) total += stack.weight;
  return total;
}

/**
 * Builds a profile from stacks given as frame lists, interning equal frames (same name, file and
 * line) and merging equal stacks. Stacks without frames or with a weight that is not a positive
 * finite number are dropped (a profiler's empty or corrupt sample).
 */
export function buildProfile(
  unit: ProfileUnit,
  stacks: Iterable<{ readonly frames: readonly ProfileFrame[]; readonly weight: number }>,
  extra: { readonly sampleCount?: number; readonly exporter?: string } = {},
): Profile {
  const frames: ProfileFrame[] = [];
  const frameIndex = new Map<string, number>();
  const stackIndex = new Map<string, number>();
  const merged: { frames: number[]; weight: number }[] = [];
  for (const stack of stacks) {
    if (!(stack.weight > 0) || !Number.isFinite(stack.weight) || stack.frames.length === 0) continue;
    const indices = stack.frames.map((frame) => {
      const key = `${frame.name}\u0000${frame.file ?? ''}\u0000${frame.line ?? ''}`;
      let index = frameIndex.get(key);
      if (index === undefined) {
        index = frames.length;
        frames.push(frame);
        frameIndex.set(key, index);
      }
      return index;
    });
    const key = indices.join(',');
    const existing = stackIndex.get(key);
    const known = existing === undefined ? undefined : merged[existing];
    if (known !== undefined) known.weight += stack.weight;
    else {
      stackIndex.set(key, merged.length);
      merged.push({ frames: indices, weight: stack.weight });
    }
  }
  return {
    unit,
    frames,
    stacks: merged,
    ...(extra.sampleCount === undefined ? {} : { sampleCount: extra.sampleCount }),
    ...(extra.exporter === undefined ? {} : { exporter: extra.exporter }),
  };
}

/** Every stack of `profile` as frame objects (outermost first). */
export function* stacksOf(
  profile: Profile,
): Generator<{ readonly frames: readonly ProfileFrame[]; readonly weight: number }> {
  for (const stack of profile.stacks) {
    yield { frames: stack.frames.map((index) => frameAt(profile, index)), weight: stack.weight };
  }
}

/** The frame at `index`. @throws RangeError when a stack names a frame the profile lacks. */
export function frameAt(profile: Profile, index: number): ProfileFrame {
  const frame = profile.frames[index];
  if (frame === undefined)
    throw new RangeError(`profile stack names frame ${index} of ${profile.frames.length}`);
  return frame;
}

/**
 * Several profiles of one side (windows, processes) as one: stacks concatenated and merged, sample
 * counts summed (absent when any profile has none), the first exporter kept.
 * @throws RangeError when the profiles' units differ.
 */
export function mergeProfiles(profiles: readonly Profile[]): Profile {
  const unit = profiles[0]?.unit ?? 'seconds';
  const stacks: { frames: readonly ProfileFrame[]; weight: number }[] = [];
  let sampleCount: number | undefined = 0;
  for (const profile of profiles) {
    if (profile.unit !== unit) throw new RangeError(`cannot merge ${profile.unit} into ${unit}`);
    for (const stack of stacksOf(profile)) stacks.push(stack);
    sampleCount =
      sampleCount === undefined || profile.sampleCount === undefined
        ? undefined
        : sampleCount + profile.sampleCount;
  }
  const exporter = profiles.find((profile) => profile.exporter !== undefined)?.exporter;
  return buildProfile(unit, stacks, {
    ...(sampleCount === undefined || profiles.length === 0 ? {} : { sampleCount }),
    ...(exporter === undefined ? {} : { exporter }),
  });
}
