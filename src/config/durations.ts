/**
 * Durations as written in perfgate.yml (`500ms`, `10s`, `2m`, `1m30s`, `1h`, or a bare number of
 * seconds) and back.
 */

const MS_PER_UNIT = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;

// Units must appear largest first and at most once (`1m30s`, not `30s1m`), as in Go's time.ParseDuration
// minus the exotic units; a space or a word (`10 sec`) is rejected rather than guessed at.
const DURATION_PATTERN =
  /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/;

/**
 * Reads a duration and returns it in whole milliseconds (rounded to the nearest ms).
 *
 * @param value a string such as `500ms`, `10s`, `2m`, `1m30s`, `1.5s`, `1h`, or a number of seconds
 *   (YAML reads `duration: 10` as the number 10, meaning 10 s). Surrounding spaces are ignored.
 * @returns the duration in ms, or `undefined` when `value` is not a duration (negative numbers, unknown
 *   units such as `10 sec`, an empty string, units out of order).
 * @example parseDurationMs('1m30s') // 90000
 */
export function parseDurationMs(value: string | number): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? Math.round(value * MS_PER_UNIT.s) : undefined;
  }
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return parseDurationMs(Number(text));
  const match = DURATION_PATTERN.exec(text);
  if (text === '' || match === null) return undefined;
  const [, hours, minutes, seconds, millis] = match;
  const totalMs =
    Number(hours ?? 0) * MS_PER_UNIT.h +
    Number(minutes ?? 0) * MS_PER_UNIT.m +
    Number(seconds ?? 0) * MS_PER_UNIT.s +
    Number(millis ?? 0) * MS_PER_UNIT.ms;
  return Math.round(totalMs);
}

/**
 * Writes a duration in ms the way perfgate.yml spells it, largest units first: 90000 → `1m30s`,
 * 500 → `500ms`, 0 → `0s`. `parseDurationMs(formatDurationMs(ms)) === ms` for every whole, non-negative `ms`.
 *
 * @param durationMs whole, non-negative milliseconds.
 * @throws RangeError when `durationMs` is negative or not a whole number.
 */
export function formatDurationMs(durationMs: number): string {
  if (!Number.isInteger(durationMs) || durationMs < 0) {
    throw new RangeError(`formatDurationMs: expected whole non-negative ms, got ${durationMs}`);
  }
  if (durationMs === 0) return '0s';
  let restMs = durationMs;
  let text = '';
  for (const unit of ['h', 'm', 's', 'ms'] as const) {
    const count = Math.floor(restMs / MS_PER_UNIT[unit]);
    if (count > 0) text += `${count}${unit}`;
    restMs -= count * MS_PER_UNIT[unit];
  }
  return text;
}
