import { describe, expect, it } from 'vitest';
import { sizeIn, truncateMarkdown } from '../../src/publish/truncate-markdown.js';

const note = 'Truncated: the full report is in report.md.';
const rows = (count: number, cell = 'x') =>
  Array.from({ length: count }, (_, i) => `| row ${i} | ${cell} |`).join('\n');

describe('truncateMarkdown', () => {
  it('returns text that fits unchanged, including exactly at the limit', () => {
    const text = rows(10);
    expect(truncateMarkdown(text, { max: text.length, unit: 'chars' }, note)).toBe(text);
    expect(truncateMarkdown('', { max: 0, unit: 'bytes' }, note)).toBe('');
  });

  it.each([
    ['chars', 65_536],
    ['bytes', 1024 * 1024],
    ['chars', 500],
    ['bytes', 300],
  ] as const)('cuts at a line break within %s limit %i and says so', (unit, max) => {
    const text = rows(60_000, 'é€');
    const result = truncateMarkdown(text, { max, unit }, note);
    expect(sizeIn(result, unit)).toBeLessThanOrEqual(max);
    expect(result.endsWith(`\n\n> ${note}\n`)).toBe(true);
    const kept = result.slice(0, -`\n\n> ${note}\n`.length);
    expect(text.startsWith(`${kept}\n`)).toBe(true);
    expect(kept.length).toBeGreaterThan(max / 4 / 2);
  });

  it('closes an open code fence and open <details> blocks', () => {
    const text = `<details><summary>profiles</summary>\n\n~~~~text\n${rows(200)}\n~~~~\n</details>\n`;
    const result = truncateMarkdown(text, { max: 600, unit: 'chars' }, note);
    expect(result.length).toBeLessThanOrEqual(600);
    expect(result).toMatch(/\| row \d+ \| x \|\n~~~~\n<\/details>\n\n> Truncated/);
  });

  it('does not count fences inside a fence or details inside code', () => {
    const text = '```md\n<details>\n~~~\n' + rows(100) + '\n```\nafter\n';
    const result = truncateMarkdown(text, { max: 300, unit: 'chars' }, note);
    expect(result).not.toContain('</details>');
    expect(result).toMatch(/\|\n```\n\n> /);
  });

  it('never splits a surrogate pair, even in a single long line', () => {
    const text = '📈'.repeat(1000);
    for (const max of [101, 102, 103, 150]) {
      const result = truncateMarkdown(text, { max, unit: 'chars' }, 'cut');
      expect(result.length).toBeLessThanOrEqual(max);
      expect(result.replace(/\n\n> cut\n$/, '')).toMatch(/^(📈)+$/u);
    }
  });

  it('cuts the note itself when nothing else fits', () => {
    expect(truncateMarkdown(rows(5), { max: 10, unit: 'bytes' }, note)).toBe(note.slice(0, 10));
  });
});
