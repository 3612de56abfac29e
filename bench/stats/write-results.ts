/** Writing an evaluation's outputs: its raw JSON under bench/results/ and its section of BENCHMARKS.md. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes `data` to `bench/results/<resultFile>` and puts `section` into `root`/BENCHMARKS.md: it
 * replaces the section starting with `heading` (up to the next `## `), or is appended. Other
 * sections, owned by other scripts, are left as they are.
 */
export function writeResults(
  root: string,
  resultFile: string,
  data: unknown,
  heading: string,
  section: string,
): void {
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  writeFileSync(path.join(root, 'bench/results', resultFile), JSON.stringify(data, null, 2) + '\n');
  const file = path.join(root, 'BENCHMARKS.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\n';
  const pattern = new RegExp(`${heading.replace(/[.*+?^${}()|[\]\\`]/g, '\\$&')}[\\s\\S]*?(?=\\n## |$)`);
  const next = pattern.test(previous)
    ? previous.replace(pattern, () => section.trimEnd() + '\n')
    : previous.trimEnd() + '\n\n' + section;
  writeFileSync(file, next);
}
