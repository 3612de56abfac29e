/**
 * Number formatting shared by the report renderers. Locale-independent on purpose: a report must read
 * the same on every runner, so grouping is done here instead of through `Intl`.
 */

/** Renders NaN and infinities readably; `undefined` for finite numbers. */
function formatNonFinite(value: number): string | undefined {
  if (Number.isNaN(value)) return 'n/a';
  if (value === Infinity) return '∞';
  if (value === -Infinity) return '-∞';
  return undefined;
}

/**
 * Groups the integer part of a non-negative decimal string in thousands: `"1234567.5"` → `"1,234,567.5"`.
 */
function groupDigits(digits: string): string {
  const [whole = '', fraction] = digits.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** Rounds to `decimals` and groups thousands with commas: `groupThousands(1234.5)` → `"1,235"`. */
export function groupThousands(value: number, decimals = 0): string {
  const nonFinite = formatNonFinite(value);
  if (nonFinite !== undefined) return nonFinite;
  const text = Math.abs(value).toFixed(decimals);
  // A value that rounds to zero prints without a sign: "-0" reads as a bug.
  const sign = value < 0 && Number(text) !== 0 ? '-' : '';
  return sign + groupDigits(text);
}

/**
 * Formats with `digits` significant digits (default 3) without exponent notation: 0.41234 → `"0.412"`,
 * 12.345 → `"12.3"`, 123.4 → `"123"`. Values of `10^digits` and more print as grouped integers
 * (12 345.6 → `"12,346"`) rather than padding with false zeros.
 */
export function formatSignificant(value: number, digits = 3): string {
  const nonFinite = formatNonFinite(value);
  if (nonFinite !== undefined) return nonFinite;
  if (value === 0) return '0';
  // toExponential rounds first, so 9.996 counts as 1.00e+1 and gets one decimal fewer.
  const exponent = Number(value.toExponential(digits - 1).split('e')[1]);
  const decimals = Math.max(0, digits - 1 - exponent);
  return groupThousands(value, decimals);
}

/** Formats a fraction as a percentage with 3 significant digits: 0.1234 → `"12.3%"`, 0 → `"0%"`. */
export function formatPercent(fraction: number): string {
  return `${formatSignificant(fraction * 100)}%`;
}

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** Formats a byte count with binary units and 3 significant digits: 50 593 792 → `"48.2 MiB"`. */
export function formatBytes(bytes: number): string {
  const nonFinite = formatNonFinite(bytes);
  if (nonFinite !== undefined) return `${nonFinite} B`;
  let scaled = bytes;
  let unit = 0;
  // Compare as printed (values from 100 on print as whole numbers) so 1 048 570 bytes reads
  // "1.00 MiB", not "1,024 KiB".
  while (unit < BINARY_UNITS.length - 1 && Math.abs(Math.round(scaled)) >= 1024) {
    scaled /= 1024;
    unit += 1;
  }
  const text = unit === 0 ? groupThousands(scaled) : formatSignificant(scaled);
  return `${text} ${BINARY_UNITS[unit] ?? 'B'}`;
}

/**
 * Formats a duration given in ms, to 3 significant digits with trailing zeros dropped: below 1 s as
 * ms (`"412 ms"`, `"0.5 ms"`), below a minute as seconds (`"35.2 s"`, `"5 s"`), then minutes and
 * seconds (`"4 min 12 s"`) and hours and minutes (`"1 h 05 min"`).
 */
export function formatDurationMs(durationMs: number): string {
  const nonFinite = formatNonFinite(durationMs);
  if (nonFinite !== undefined) return `${nonFinite} ms`;
  const sign = durationMs < 0 ? '-' : '';
  const ms = Math.abs(durationMs);
  const roundedMs = Number(ms.toPrecision(3));
  if (roundedMs < 1000) return `${sign}${roundedMs} ms`;
  const roundedSeconds = Number((ms / 1000).toPrecision(3));
  if (roundedSeconds < 60) return `${sign}${roundedSeconds} s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) {
    const seconds = totalSeconds % 60;
    const minutes = (totalSeconds - seconds) / 60;
    return seconds === 0 ? `${sign}${minutes} min` : `${sign}${minutes} min ${seconds} s`;
  }
  const totalMinutes = Math.round(totalSeconds / 60);
  const minutes = totalMinutes % 60;
  const hours = (totalMinutes - minutes) / 60;
  return `${sign}${hours} h ${String(minutes).padStart(2, '0')} min`;
}

/** Formats a fraction as a short percentage, trailing zeros dropped: 0.05 → `"5%"`, 0.025 → `"2.5%"`. */
export function formatPercentShort(fraction: number): string {
  const nonFinite = formatNonFinite(fraction);
  if (nonFinite !== undefined) return `${nonFinite}%`;
  return `${Number((fraction * 100).toPrecision(3))}%`;
}
