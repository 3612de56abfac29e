// `npm run check:dist [-- distdir]`: fails when the committed dist/ is not what the current src/ and
// node_modules build (the action runs dist/, so a stale dist/ ships old code).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDist, distFiles, root } from './bundle.mjs';

/**
 * Builds into a temporary folder and compares each of dist/'s files with it.
 * @param {string} [distDir] the committed folder to check (default: dist/)
 * @returns {Promise<string[]>} the names of the files that differ or are missing, empty when in sync
 */
export async function findStaleDistFiles(distDir = path.join(root, 'dist')) {
  const out = mkdtempSync(path.join(tmpdir(), 'perfgate-dist-'));
  try {
    await buildDist(out);
    return distFiles.filter((file) => {
      const fresh = readFileSync(path.join(out, file), 'utf8');
      let committed;
      try {
        committed = readFileSync(path.join(distDir, file), 'utf8');
      } catch {
        return true;
      }
      return committed !== fresh;
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const distDir = path.resolve(process.argv[2] ?? path.join(root, 'dist'));
  const relative = path.relative(root, distDir);
  const shown = relative.startsWith('..') || path.isAbsolute(relative) ? distDir : relative;
  const stale = await findStaleDistFiles(distDir);
  if (stale.length > 0) {
    console.error(
      `${shown}/ is out of date with src/: ${stale.map((f) => `${shown}/${f}`).join(', ')} ` +
        'differ from a fresh build. Run `npm run build` and commit dist/.',
    );
    process.exit(1);
  }
  console.log(`${shown}/ is in sync with src/.`);
}
