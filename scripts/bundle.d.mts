/** The repository's root folder. */
export const root: string;
/** The files `buildDist` writes, all of them committed in dist/. */
export const distFiles: readonly string[];
/** esbuild's target from package.json's `engines.node` (">=20" → "node20"). */
export function nodeTarget(): string;
/** Builds dist/'s files into `outdir`; returns every metafile input of both bundles. */
export function buildDist(outdir: string, options?: { write?: boolean }): Promise<{ inputs: string[] }>;
