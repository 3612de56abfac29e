/**
 * speedscope's file format (https://www.speedscope.app/file-format-schema.json, version 0.x as
 * py-spy 0.4 and speedscope 1.x write it) to and from the profile model. Pure.
 */
import { z } from 'zod';
import { buildProfile, type Profile, type ProfileFrame } from './model.js';

/** The schema URL every speedscope file names in `$schema`. */
export const SPEEDSCOPE_SCHEMA = 'https://www.speedscope.app/file-format-schema.json';

const unit = z.enum(['none', 'nanoseconds', 'microseconds', 'milliseconds', 'seconds', 'bytes']);
const frame = z.object({
  name: z.string(),
  file: z.string().nullish(),
  line: z.number().int().nullish(),
  col: z.number().int().nullish(),
});
const sampled = z.object({
  type: z.literal('sampled'),
  name: z.string().optional(),
  unit,
  startValue: z.number(),
  endValue: z.number(),
  samples: z.array(z.array(z.number().int().nonnegative())),
  weights: z.array(z.number()),
});
const evented = z.object({
  type: z.literal('evented'),
  name: z.string().optional(),
  unit,
  startValue: z.number(),
  endValue: z.number(),
  events: z.array(
    z.object({ type: z.enum(['O', 'C']), at: z.number(), frame: z.number().int().nonnegative() }),
  ),
});
const file = z.object({
  $schema: z.literal(SPEEDSCOPE_SCHEMA),
  shared: z.object({ frames: z.array(frame) }),
  profiles: z.array(z.discriminatedUnion('type', [sampled, evented])),
  name: z.string().optional(),
  exporter: z.string().optional(),
  activeProfileIndex: z.number().int().nullish(),
});

/** Thrown when a file is not a speedscope profile this module can read; `message` says why. */
export class ProfileFormatError extends Error {
  override readonly name = 'ProfileFormatError';
}

/**
 * Reads a speedscope file (parsed JSON) into one {@link Profile}: every profile in it (one per process
 * and thread in py-spy's `--subprocesses` output) merged, evented profiles turned into the time each
 * stack was on top. py-spy's synthetic `process <pid>:"<command>"` root frames are dropped, so base and
 * head stacks (different PIDs) line up.
 * @throws ProfileFormatError when the JSON breaks the format, a sample names a frame that does not
 *   exist, sample and weight lists differ in length, or the profiles mix units.
 */
export function fromSpeedscope(json: unknown): Profile {
  const parsed = file.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProfileFormatError(
      `not a speedscope file: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`,
    );
  }
  const { shared, profiles, exporter } = parsed.data;
  const frames = shared.frames.map((f): ProfileFrame => ({
    name: f.name,
    ...(f.file ? { file: f.file } : {}),
    ...(typeof f.line === 'number' ? { line: f.line } : {}),
  }));
  const synthetic = (f: ProfileFrame): boolean => f.file === undefined && /^process \d+:/.test(f.name);
  const at = (index: number): ProfileFrame => {
    const found = frames[index];
    if (found === undefined)
      throw new ProfileFormatError(`a sample names frame ${index} of ${frames.length}`);
    return found;
  };
  const units = new Set(profiles.map((p) => p.unit));
  if (units.size > 1) throw new ProfileFormatError(`profiles mix units (${[...units].join(', ')})`);
  const stacks: { frames: ProfileFrame[]; weight: number }[] = [];
  let sampleCount = 0;
  for (const profile of profiles) {
    if (profile.type === 'sampled') {
      if (profile.samples.length !== profile.weights.length) {
        throw new ProfileFormatError(
          `profile "${profile.name ?? ''}" has ${profile.samples.length} samples but ${profile.weights.length} weights`,
        );
      }
      profile.samples.forEach((sample, i) => {
        const kept = sample.map(at).filter((f) => !synthetic(f));
        // A sample of nothing but py-spy's process frame says only that the process was on-CPU.
        if (kept.length > 0) sampleCount += 1;
        stacks.push({ frames: kept, weight: profile.weights[i] ?? 0 });
      });
    } else {
      stacks.push(
        ...eventedStacks(profile.events, at).map((s) => ({
          ...s,
          frames: s.frames.filter((f) => !synthetic(f)),
        })),
      );
    }
  }
  const allSampled = profiles.every((p) => p.type === 'sampled');
  return buildProfile(units.values().next().value ?? 'none', stacks, {
    ...(allSampled && profiles.length > 0 ? { sampleCount } : {}),
    ...(exporter === undefined ? {} : { exporter }),
  });
}

/** Open/close events → the time each stack spent on top. */
function eventedStacks(
  events: readonly { type: 'O' | 'C'; at: number; frame: number }[],
  at: (index: number) => ProfileFrame,
): { frames: ProfileFrame[]; weight: number }[] {
  const open: number[] = [];
  const out: { frames: ProfileFrame[]; weight: number }[] = [];
  let last = events[0]?.at ?? 0;
  for (const event of events) {
    if (open.length > 0 && event.at > last) out.push({ frames: open.map(at), weight: event.at - last });
    last = Math.max(last, event.at);
    if (event.type === 'O') open.push(event.frame);
    else {
      const top = open.lastIndexOf(event.frame);
      if (top === -1) throw new ProfileFormatError(`an event closes frame ${event.frame}, which is not open`);
      open.splice(top);
    }
  }
  return out;
}

/**
 * Writes `profile` as a speedscope file with one sampled profile (each distinct stack once, with its
 * summed weight), which speedscope opens in its "Left Heavy" and "Sandwich" views.
 * @param name the profile's title in speedscope, e.g. `head · search (py-spy)`.
 * @returns the file as a JSON-ready object (`JSON.stringify` it).
 */
export function toSpeedscope(profile: Profile, name: string): object {
  let total = 0;
  for (const stack of profile.stacks) total += stack.weight;
  return {
    $schema: SPEEDSCOPE_SCHEMA,
    shared: {
      frames: profile.frames.map((f) => ({
        name: f.name,
        ...(f.file === undefined ? {} : { file: f.file }),
        ...(f.line === undefined ? {} : { line: f.line }),
      })),
    },
    profiles: [
      {
        type: 'sampled',
        name,
        unit: profile.unit,
        startValue: 0,
        endValue: total,
        samples: profile.stacks.map((s) => [...s.frames]),
        weights: profile.stacks.map((s) => s.weight),
      },
    ],
    name,
    activeProfileIndex: 0,
    exporter: `perfgate${profile.exporter === undefined ? '' : ` (from ${profile.exporter})`}`,
  };
}
