// Every hint that sends a user to the documentation can be followed: a README section named in a
// message exists under that name, and every docs/ file named in the source exists.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The text of every string and template literal in `file` (what can reach a user), not comments. */
function stringsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) found.push(node.text);
    else if (ts.isTemplateExpression(node)) {
      found.push([node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join('…'));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const plain = (heading: string): string => heading.replace(/`/g, '').trim();
const readmeHeadings = readFileSync(path.join(repoRoot, 'README.md'), 'utf8')
  .split('\n')
  .filter((line) => /^#{1,6} /.test(line))
  .map((line) => plain(line.replace(/^#+ /, '')));

const messages = sourceFiles(path.join(repoRoot, 'src')).flatMap((file) =>
  stringsOf(file).map((text) => ({ file: path.relative(repoRoot, file), text })),
);

describe('documentation named in messages', () => {
  it('cites the README only by a section name it has', () => {
    const citing = messages.filter(({ text }) => text.includes('README'));
    expect(citing.length).toBeGreaterThan(0);
    for (const { file, text } of citing) {
      const sections = [...text.matchAll(/README section "([^"]+)"/g)].map((match) => plain(match[1] ?? ''));
      // A bare "see the README" cannot be followed in a 300-line file: name the section.
      expect(sections, `${file}: "${text}" must say README section "<heading>"`).not.toEqual([]);
      for (const section of sections) expect(readmeHeadings, `${file}: ${text}`).toContain(section);
    }
  });

  it('names only docs/ files that exist', () => {
    const named = new Set(
      sourceFiles(path.join(repoRoot, 'src')).flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/\bdocs\/[\w./-]+\.md\b/g)].map((match) => match[0]),
      ),
    );
    for (const doc of named) expect(existsSync(path.join(repoRoot, doc)), doc).toBe(true);
  });
});
