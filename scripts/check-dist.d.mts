/** Builds into a temporary folder; returns the names of dist/'s files that differ or are missing. */
export function findStaleDistFiles(distDir?: string): Promise<string[]>;
