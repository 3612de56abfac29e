/**
 * Folded stacks (Brendan Gregg's FlameGraph `stackcollapse` format: `outer;inner;leaf weight`, one
 * stack per line), which flamegraph.pl, inferno and speedscope all read. Pure.
 */
import {
  buildProfile,
  frameLabel,
  stacksOf,
  type Profile,
  type ProfileFrame,
  type ProfileUnit,
} from './model.js';

/**
 * Writes one line per distinct stack, frames labelled `name (file:line)`, weights as integers in
 * `scale` units of the profile's unit (e.g. `scale: 1e-6` with `seconds` gives microseconds), since
 * folded-stack tools expect integer counts. `;` and newlines inside names become `:` and spaces.
 */
export function toFolded(profile: Profile, options: { readonly scale?: number } = {}): string {
  const scale = options.scale ?? 1;
  const lines: string[] = [];
  for (const stack of stacksOf(profile)) {
    const count = Math.round(stack.weight / scale);
    if (count <= 0) continue;
    const label = stack.frames
      .map((f) =>
        frameLabel(f)
          .replace(/;/g, ':')
          .replace(/[\r\n]+/g, ' '),
      )
      .join(';');
    lines.push(`${label} ${count}`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/**
 * Reads folded stacks back. A frame label `name (file:line)` gives file and line; other labels are
 * names only. Blank lines are skipped.
 * @throws SyntaxError naming the line when it does not end in a non-negative number.
 */
export function fromFolded(text: string, unit: ProfileUnit = 'none'): Profile {
  const stacks: { frames: ProfileFrame[]; weight: number }[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trimEnd();
    if (line === '') return;
    const match = /^(.*) (\d+(?:\.\d+)?)$/.exec(line);
    if (match?.[1] === undefined || match[2] === undefined) {
      throw new SyntaxError(
        `folded stacks, line ${i + 1}: expected "frame;frame;... <count>", got ${JSON.stringify(line.slice(0, 80))}`,
      );
    }
    stacks.push({ frames: match[1].split(';').map(parseLabel), weight: Number(match[2]) });
  });
  return buildProfile(unit, stacks, { sampleCount: stacks.reduce((n, s) => n + s.weight, 0) });
}

function parseLabel(label: string): ProfileFrame {
  const match = /^(.*) \((.+?)(?::(\d+))?\)$/.exec(label);
  if (match?.[1] === undefined || match[2] === undefined) return { name: label };
  return { name: match[1], file: match[2], ...(match[3] === undefined ? {} : { line: Number(match[3]) }) };
}
