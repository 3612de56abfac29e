/**
 * One name per gated config, shared by its sticky comment's marker and its results folder, so two
 * perfgate steps in one job (two configs, or one config name in two working directories) never write
 * over each other's comment, `report.json` or logs.
 */
/**
 * The config's path relative to the workspace, in POSIX form: `working-directory` joined with `config`
 * and normalized (`./perfgate.yml` → `perfgate.yml`, `services/api` + `perfgate.yml` →
 * `services/api/perfgate.yml`). An absolute `config` is kept as given.
 * @param workingDirectory the `working-directory` input (relative to the workspace; `.` by default).
 * @param config the `config` input (relative to `workingDirectory`).
 */
export function configKey(workingDirectory: string, config: string): string {
  const posix = (value: string): string => value.trim().replace(/\\/g, '/');
  const file = posix(config);
  if (file.startsWith('/')) return '/' + normalize(file);
  return normalize(`${posix(workingDirectory)}/${file}`);
}

/** POSIX path normalization without node:path (this module stays free of Node imports). */
function normalize(joined: string): string {
  const kept: string[] = [];
  for (const segment of joined.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..' && kept.length > 0 && kept[kept.length - 1] !== '..') kept.pop();
    else kept.push(segment);
  }
  return kept.join('/') || '.';
}

/**
 * A folder name for the config's results, readable and safe on every file system: the key without
 * its `.yml`/`.yaml` extension, path separators as `-`, anything but letters, digits, `.`, `_` and
 * `-` as `_`, no leading dot (so never `..`).
 * @example resultsFolderName('perfgate.yml') // 'perfgate'
 * @example resultsFolderName('services/api/perfgate.yml') // 'services-api-perfgate'
 */
export function resultsFolderName(key: string): string {
  const name = key
    .replace(/^\/+/, '')
    .replace(/\.ya?ml$/i, '')
    .replace(/\//g, '-')
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^\.+/, (dots) => '_'.repeat(dots.length));
  return name === '' ? 'perfgate' : name;
}
