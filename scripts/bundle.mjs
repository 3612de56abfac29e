// Bundles the action (index.js), the CLI (cli.js) and the load generator's process (load-worker.js) as ESM with esbuild, and writes licenses.txt
// with the license of every npm package the two bundles contain.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { bundledPackages, renderLicenses } from './bundled-packages.mjs';

export const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/**
 * Files the profiling phase loads into servers (src/adapters/bootstrap/), copied to dist/bootstrap/ so
 * `new URL('./bootstrap/…', import.meta.url)` finds them beside index.js and cli.js as it does beside
 * the adapters in src/.
 */
export const bootstrapFiles = readdirSync(path.join(root, 'src/adapters/bootstrap'))
  .filter((file) => /\.(py|cjs)$/.test(file))
  .sort();

/** The files `buildDist` writes, all of them committed in dist/. */
export const distFiles = [
  'index.js',
  'cli.js',
  'load-worker.js',
  'licenses.txt',
  ...bootstrapFiles.map((file) => `bootstrap/${file}`),
];

/**
 * esbuild's target from package.json's `engines.node` (">=20" → "node20"), so the bundle's syntax
 * never outruns the lowest Node the package says it supports.
 * @throws {Error} when engines.node is not of the form ">=N"
 */
export function nodeTarget() {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const match = /^>=\s*(\d+)(?:\.\d+){0,2}$/.exec(pkg.engines?.node ?? '');
  if (match === null) throw new Error(`package.json engines.node must read ">=N", got ${pkg.engines?.node}`);
  return `node${match[1]}`;
}

// Some bundled CommonJS dependencies call require() on Node built-ins; ESM output needs a real require.
const requireShim =
  "import { createRequire as __perfgateCreateRequire } from 'node:module';\n" +
  'const require = __perfgateCreateRequire(import.meta.url);';

// perfgate only uploads artifacts. @actions/artifact's download code imports unzip-stream, whose
// dependency `buffers` declares no license at all: bundle a stub in its place that throws if called.
const noArtifactDownload = {
  name: 'perfgate-no-artifact-download',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^unzip-stream$/ }, () => ({
      path: 'unzip-stream',
      namespace: 'perfgate-stub',
    }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'perfgate-stub' }, () => ({
      contents:
        "const refuse = () => { throw new Error('perfgate does not download artifacts (unzip-stream is not bundled)'); };\n" +
        'export default { Extract: refuse, Parse: refuse };',
      loader: 'js',
    }));
  },
};

/**
 * Builds dist/'s files into `outdir`.
 * @param {string} outdir absolute folder, created when missing
 * @param {{write?: boolean}} [options] `write: false` builds in memory (for the licence checks)
 * @returns {Promise<{inputs: string[]}>} every metafile input of both bundles (paths relative to root)
 */
export async function buildDist(outdir, { write = true } = {}) {
  const common = {
    bundle: true,
    platform: 'node',
    target: nodeTarget(),
    format: 'esm',
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    absWorkingDir: root,
    metafile: true,
    write,
    plugins: [noArtifactDownload],
  };
  const results = await Promise.all([
    build({
      ...common,
      entryPoints: [path.join(root, 'src/main.ts')],
      outfile: path.join(outdir, 'index.js'),
      banner: { js: requireShim },
    }),
    build({
      ...common,
      entryPoints: [path.join(root, 'src/cli.ts')],
      outfile: path.join(outdir, 'cli.js'),
      banner: { js: '#!/usr/bin/env node\n' + requireShim },
    }),
    // The load generator's own process (src/adapters/load-process.ts forks it from beside index.js and cli.js).
    build({
      ...common,
      entryPoints: [path.join(root, 'src/adapters/load-worker.ts')],
      outfile: path.join(outdir, 'load-worker.js'),
      banner: { js: requireShim },
    }),
  ]);
  const inputs = [...new Set(results.flatMap((r) => Object.keys(r.metafile.inputs)))];
  if (write) {
    mkdirSync(outdir, { recursive: true });
    writeFileSync(path.join(outdir, 'licenses.txt'), renderLicenses(bundledPackages(inputs, root)));
    mkdirSync(path.join(outdir, 'bootstrap'), { recursive: true });
    for (const file of bootstrapFiles)
      copyFileSync(path.join(root, 'src/adapters/bootstrap', file), path.join(outdir, 'bootstrap', file));
  }
  return { inputs };
}
