/** The note that ends a report cut to fit a size limit. */
export const TRUNCATION_NOTE = '_… truncated; see report.json artifact._';

/**
 * Joins Markdown blocks with blank lines, keeping whole blocks in order while the result plus the
 * truncation note stays within `maxChars` (UTF-16 code units, which never undercounts GitHub's
 * character limit). Cutting between blocks never leaves a table or code fence half open. When not
 * even the first block fits, only the note remains (itself cut when `maxChars` is tinier still).
 */
export function fitMarkdown(blocks: readonly string[], maxChars: number): string {
  const whole = `${blocks.join('\n\n')}\n`;
  if (whole.length <= maxChars) return whole;
  const room = maxChars - TRUNCATION_NOTE.length - 3;
  let kept = '';
  for (const block of blocks) {
    const next = kept === '' ? block : `${kept}\n\n${block}`;
    if (next.length > room) break;
    kept = next;
  }
  const fitted = kept === '' ? TRUNCATION_NOTE : `${kept}\n\n${TRUNCATION_NOTE}`;
  return `${fitted}\n`.slice(0, Math.max(0, maxChars));
}
