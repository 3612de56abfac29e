import tseslint from 'typescript-eslint';

// The pure core must not reach for I/O: these folders may import only each other, src/ports.ts
// (types), src/errors.ts and pure libraries. test/unit/core-purity-lint.test.ts lints probes.
const coreFolders = [
  'config',
  'model',
  'plan',
  'stats',
  'compare',
  'profile',
  'history',
  'report',
  'publish',
];
/** @param {boolean} forbidPublish publish/ sits above the rest of the core: the rest may not import it */
const coreImports = (forbidPublish) => ({
  patterns: [
    {
      group: ['node:*', 'fs', 'child_process', 'http', 'https', 'os', 'net', 'path'],
      message: 'Pure core: no Node I/O here; use a port (src/ports.ts).',
    },
    {
      group: ['@actions/*', 'autocannon', 'hdr-histogram-js'],
      message: 'Pure core: side-effecting libraries live in src/adapters.',
    },
    {
      group: ['**/adapters/**', '**/measure/**', '**/targets/**', '**/run.js', '**/main.js', '**/cli.js'],
      message: 'Pure core may not import the edges (adapters, measure, targets, run.ts, the roots).',
    },
    ...(forbidPublish
      ? [{ group: ['**/publish/**'], message: 'Only run.ts and the roots publish; the core renders.' }]
      : []),
  ],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'examples/**', 'perfgate-results/**', 'coverage/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'scripts/*.mjs', 'bench/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts', 'src/cli.ts', 'src/adapters/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/adapters/**', './adapters/*'],
              message: 'Only the composition roots (main.ts, cli.ts) import adapters.',
            },
          ],
        },
      ],
    },
  },
  // After the block above: for the core folders this rule replaces it (the patterns include adapters).
  {
    files: coreFolders.filter((f) => f !== 'publish').map((f) => `src/${f}/**/*.ts`),
    rules: { 'no-restricted-imports': ['error', coreImports(true)] },
  },
  {
    files: ['src/publish/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', coreImports(false)] },
  },
  {
    files: ['scripts/**', 'bench/**', 'eslint.config.js', 'test/**'],
    ...tseslint.configs.disableTypeChecked,
  },
  // CommonJS loaded into the servers perfgate profiles (NODE_OPTIONS=--require): outside the
  // TypeScript project, so linted without types; `require` is how such a file loads Node's modules.
  {
    files: ['**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, sourceType: 'commonjs' },
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
  },
);
