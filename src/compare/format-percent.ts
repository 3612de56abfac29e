/**
 * Formats a fraction as a percentage for warnings: signed by default (0.1234 → "+12.3%",
 * −0.05 → "−5.0%"), or plain (`signed: false`: 0.25 → "25.0%"). Non-finite values print as "n/a".
 */
export function formatPercent(
  fraction: number,
  options: { readonly signed?: boolean; readonly digits?: number } = {},
): string {
  const { signed = true, digits = 1 } = options;
  if (!Number.isFinite(fraction)) return 'n/a';
  if (!signed) return `${(fraction * 100).toFixed(digits)}%`;
  const text = `${Math.abs(fraction * 100).toFixed(digits)}%`;
  return fraction > 0 ? `+${text}` : fraction < 0 ? `−${text}` : text;
}
