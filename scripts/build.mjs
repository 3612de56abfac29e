// Bundles the action (dist/index.js) and the CLI (dist/cli.js) as ESM with esbuild.
// `node scripts/build.mjs [outdir]`: the dist-sync test builds into a temporary folder and compares.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const outdir = path.resolve(process.argv[2] ?? path.join(root, 'dist'));

// Some bundled CommonJS dependencies call require() on Node built-ins; ESM output needs a real require.
const requireShim =
  "import { createRequire as __perfgateCreateRequire } from 'node:module';\n" +
  'const require = __perfgateCreateRequire(import.meta.url);';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: root,
};

await build({
  ...common,
  entryPoints: [path.join(root, 'src/main.ts')],
  outfile: path.join(outdir, 'index.js'),
  banner: { js: requireShim },
});
await build({
  ...common,
  entryPoints: [path.join(root, 'src/cli.ts')],
  outfile: path.join(outdir, 'cli.js'),
  banner: { js: '#!/usr/bin/env node\n' + requireShim },
});
