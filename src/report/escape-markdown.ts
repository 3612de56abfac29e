/**
 * Escaping for text that did not come from perfgate itself (scenario names, refs, paths, warnings, error
 * text): it must neither break a GitHub-Flavored-Markdown table nor inject HTML into a PR comment.
 */

const LINE_BREAKS = /\r\n|[\r\n\t\u2028\u2029]/g;
// C0 and C1 controls (other than those handled above) carry no meaning in Markdown; bidirectional
// overrides could make text read differently from what it is ("Trojan Source", CVE-2021-42574).
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
};
// Characters that open inline syntax (emphasis, code, links, strikethrough, math) or split table
// cells. CommonMark honours a backslash before any ASCII punctuation, also inside table cells and
// inline HTML, so one escape works everywhere text is placed inline.
const INLINE_SYNTAX = /[\\`*_[\]|~$]/g;

/**
 * Escapes `text` for any inline position in GitHub Markdown, table cells included: line breaks and
 * tabs become spaces, other control and bidirectional-override characters are dropped, `& < > "` become entities, and Markdown
 * punctuation (`\ \` * _ [ ] | ~ $`) is backslash-escaped.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(LINE_BREAKS, ' ')
    .replace(CONTROL_CHARACTERS, '')
    .replace(/[&<>"]/g, (character) => HTML_ENTITIES[character] ?? character)
    .replace(INLINE_SYNTAX, (character) => `\\${character}`);
}

/**
 * Renders `text` as inline code, safe in table cells. Uses `<code>` rather than backticks because a
 * backtick inside the text cannot be escaped in a code span, and because GitHub does not turn
 * `@name` inside code into a mention.
 */
export function markdownCode(text: string): string {
  return `<code>${escapeMarkdown(text)}</code>`;
}

/**
 * Renders multi-line `text` as a fenced code block whose fence is longer than any backtick run inside,
 * so the text cannot close it. Control characters other than newline and tab, and bidirectional
 * overrides, are dropped.
 */
export function markdownFence(text: string, info = 'text'): string {
  const body = text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\n+$/, '');
  let longestRun = 0;
  for (const match of body.matchAll(/`+/g)) longestRun = Math.max(longestRun, match[0].length);
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${info}\n${body}\n${fence}`;
}
