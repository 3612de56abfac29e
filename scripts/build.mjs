// `node scripts/build.mjs [outdir]`: dist/index.js (the action), dist/cli.js, dist/load-worker.js, dist/licenses.txt and dist/bootstrap/.
import path from 'node:path';
import { buildDist, root } from './bundle.mjs';

await buildDist(path.resolve(process.argv[2] ?? path.join(root, 'dist')));
