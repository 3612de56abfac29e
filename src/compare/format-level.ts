/** Formats a significance level as short as it reads exactly enough: 0.05, 0.0262. */
export function formatLevel(level: number): string {
  return String(Number(level.toPrecision(3)));
}
