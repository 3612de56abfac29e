// Line breaks and tabs would break the alignment of a table row.
const LINE_BREAKS = /\r\n|[\r\n\t\u2028\u2029]/g;
// Control characters could move the cursor or recolor the terminal (ESC sequences); bidirectional
// overrides could make text read differently from what it is ("Trojan Source", CVE-2021-42574).
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Makes untrusted text safe to print on one terminal line: line breaks and tabs become spaces, and
 * control and bidirectional-override characters are shown as `\xNN` / `\uNNNN` escapes rather than
 * interpreted.
 */
export function escapeTerminal(text: string): string {
  return text.replace(LINE_BREAKS, ' ').replace(UNPRINTABLE, (character) => {
    const code = character.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
