/**
 * Cutting Markdown to a platform limit without leaving it broken: GitHub drops a job summary over
 * 1 MiB and rejects a comment over 65,536 characters, so an oversized report must shrink, visibly.
 */

/** A size limit: `chars` counts UTF-16 code units (JS `length`, never fewer than GitHub's characters); `bytes` counts UTF-8 bytes. */
export interface SizeLimit {
  readonly max: number;
  readonly unit: 'chars' | 'bytes';
}

const encoder = new TextEncoder();

/** Size of `text` in the limit's unit. */
export function sizeIn(text: string, unit: SizeLimit['unit']): number {
  return unit === 'chars' ? text.length : encoder.encode(text).length;
}

/**
 * Returns `markdown` unchanged when it fits `limit`; otherwise its longest prefix ending at a line break
 * (or mid-line only when no line break exists), with open code fences and `<details>` blocks closed and
 * `note` appended as a quote, the whole within `limit`. Never splits a surrogate pair.
 * When not even the note fits, returns the note cut to the limit.
 *
 * @example truncateMarkdown(report, { max: 65_536, unit: 'chars' }, 'Truncated: see the job summary.')
 */
export function truncateMarkdown(markdown: string, limit: SizeLimit, note: string): string {
  if (sizeIn(markdown, limit.unit) <= limit.max) return markdown;
  const tail = `\n\n> ${note}\n`;
  const room = limit.max - sizeIn(tail, limit.unit);
  if (room <= 0) return note.slice(0, longestFittingPrefix(note, limit.max, limit.unit));
  let cut = atLineBreak(markdown, longestFittingPrefix(markdown, room, limit.unit));
  // Closing fences and <details> can overflow the room: step back and retry; cut shrinks every pass.
  for (;;) {
    const prefix = markdown.slice(0, cut);
    const closed = prefix + closers(prefix);
    const overflow = sizeIn(closed, limit.unit) - room;
    if (overflow <= 0 || cut === 0) return closed + tail;
    cut = atLineBreak(markdown, notInPair(markdown, Math.max(0, cut - overflow)));
  }
}

/** `index`, or the nearest earlier line break when `index` is mid-line (and the text has one). */
function atLineBreak(text: string, index: number): number {
  if (index >= text.length || text[index] === '\n') return index;
  const lineBreak = text.lastIndexOf('\n', index - 1);
  return lineBreak > 0 ? lineBreak : index;
}

/** `index` moved back by one when it falls between the halves of a surrogate pair. */
function notInPair(text: string, index: number): number {
  const code = text.charCodeAt(index - 1);
  return code >= 0xd800 && code <= 0xdbff ? index - 1 : index;
}

/** Largest index `i` with `size(text.slice(0, i)) <= max`, not between the halves of a surrogate pair. */
function longestFittingPrefix(text: string, max: number, unit: SizeLimit['unit']): number {
  let low = 0;
  let high = Math.min(text.length, unit === 'chars' ? max : text.length);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (sizeIn(text.slice(0, mid), unit) <= max) low = mid;
    else high = mid - 1;
  }
  return notInPair(text, low);
}

/** What closes the code fence and `<details>` blocks left open at the end of `prefix`. */
function closers(prefix: string): string {
  let fence: string | undefined;
  let openDetails = 0;
  for (const line of prefix.split('\n')) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker !== undefined) {
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    openDetails += (line.match(/<details[\s>]/gi)?.length ?? 0) - (line.match(/<\/details>/gi)?.length ?? 0);
  }
  return (fence === undefined ? '' : `\n${fence}`) + '\n</details>'.repeat(Math.max(0, openDetails));
}
