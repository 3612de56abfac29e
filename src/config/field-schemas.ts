/**
 * Zod schemas for the kinds of value perfgate.yml holds (durations, bounded integers, string maps...).
 * Every message starts with "expected": `format-issues.ts` adds the key path and what was received.
 */
import { z } from 'zod';
import { formatDurationMs, parseDurationMs } from './durations.js';
import type { Range } from './defaults.js';
import { suggestName } from './suggest-name.js';

/** `min to max`, or `at least min` when unbounded, with `show` formatting each bound. */
function describeRange(range: Range, show: (n: number) => string): string {
  return range.max === undefined
    ? `at least ${show(range.min)}`
    : `from ${show(range.min)} to ${show(range.max)}`;
}

/** A string that is not empty or blank; `expected` says what it is for. */
export function nonBlankString(expected: string) {
  return z.string({ error: expected }).refine((text) => text.trim() !== '', { error: expected });
}

/** A whole number within `range` (inclusive). */
export function integerIn(range: Range) {
  const expected = `expected a whole number ${describeRange(range, String)}`;
  const schema = z.number({ error: expected }).int({ error: expected }).min(range.min, { error: expected });
  return range.max === undefined ? schema : schema.max(range.max, { error: expected });
}

/**
 * A duration (`500ms`, `10s`, `2m`, `1m30s`, or a number of seconds) within `range` (ms), read as ms.
 * @see parseDurationMs for the accepted spellings.
 */
export function durationIn(range: Range) {
  const expected = 'expected a duration like "10s" or "2m"';
  return z.union([z.string(), z.number()], { error: expected }).transform((value, ctx) => {
    const durationMs = parseDurationMs(value);
    if (durationMs === undefined) {
      ctx.addIssue({ code: 'custom', message: expected, input: value });
      return z.NEVER;
    }
    if (durationMs < range.min || (range.max !== undefined && durationMs > range.max)) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration ${range.max === undefined ? 'of ' : ''}${describeRange(range, formatDurationMs)}`,
        input: value,
      });
      return z.NEVER;
    }
    return durationMs;
  });
}

/**
 * One of a closed set of names. A miss carries `params.suggestion` (the likely intended name) for
 * `formatIssues` to offer after what was received.
 * @param normalize applied to the input before matching (e.g. upper-casing HTTP methods).
 */
export function oneOf<const T extends readonly string[]>(
  names: T,
  normalize: (input: string) => string = (input) => input,
) {
  const expected = `expected one of ${names.join(', ')}`;
  return z.string({ error: expected }).transform((input, ctx): T[number] => {
    const match = names.find((name) => name === normalize(input));
    if (match !== undefined) return match;
    ctx.addIssue({
      code: 'custom',
      message: expected,
      input,
      params: { suggestion: suggestName(input, names) },
    });
    return z.NEVER;
  });
}

/** A single string or a list of them, always read as a list. */
export function oneOrMany(item: z.ZodType<string>, expected: string) {
  return z
    .union([item, z.array(item)], { error: expected })
    .transform((value) => (typeof value === 'string' ? [value] : value));
}

/**
 * A mapping of names to scalar values, read as strings (YAML reads `DEBUG: 1` as a number and
 * `on: true` as a boolean; the environment and HTTP headers hold text).
 * @param checkName returns what a name should have been ("expected ..."), or `undefined` when it is fine.
 */
export function stringMap(checkName: (name: string) => string | undefined) {
  const valueExpected = 'expected a string, number or boolean';
  const value = z
    .union([z.string(), z.number(), z.boolean()], { error: valueExpected })
    .transform(String)
    // A line break would let a header or variable smuggle in another one.
    .refine((text) => !/[\r\n]/.test(text), { error: 'expected a value on one line' });
  return z.record(z.string(), value, { error: 'expected a mapping of names to values' }).check(
    z.superRefine(
      (map, ctx) => {
        for (const name of Object.keys(map)) {
          const expected = checkName(name);
          if (expected !== undefined)
            ctx.addIssue({ code: 'custom', message: expected, input: name, path: [name] });
        }
      },
      // Report bad names even when some values are bad too: every problem in one run.
      { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
    ),
  );
}

/** True for a non-null object (a YAML mapping once parsed). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A check on a list that flags the second and later items with the same value (or the same `field` of
 * an item) at that item's path, so the message points at the repeat.
 */
export function rejectDuplicates(what: string, field?: string) {
  return z.superRefine(
    (items: readonly unknown[], ctx) => {
      const seen = new Set<unknown>();
      items.forEach((item, index) => {
        const key = field === undefined ? item : isRecord(item) ? item[field] : undefined;
        if (key === undefined) return;
        if (seen.has(key)) {
          ctx.addIssue({
            code: 'custom',
            message: `expected each ${what} once; this one repeats an earlier one`,
            input: key,
            path: field === undefined ? [index] : [index, field],
          });
        }
        seen.add(key);
      });
    },
    // Repeats are worth reporting even while another key of an item is still wrong.
    { when: (payload) => Array.isArray(payload.value) },
  );
}
