// The pure core (config, model, plan, stats, compare, report, publish) decides; the edges measure.
// eslint.config.js keeps the core from importing the edges: this lints probe files placed in the
// core, as a contributor's new file would be, and expects each edge import to be refused.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const root = path.resolve(import.meta.dirname, '../..');

/** The lines of `code` (as if saved at `filePath`) that no-restricted-imports refuses. */
async function refusedLines(filePath: string, code: string): Promise<number[]> {
  // The probe is not on disk, so the type-aware rules (which need the TypeScript project) are off;
  // the import rules are the project's own.
  const eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  const fatal = result?.messages.filter((m) => m.fatal === true) ?? [];
  expect(fatal, 'the probe must parse').toEqual([]);
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.line);
}

const edgeImports = [
  "import { createTargetServers } from '../targets/target-servers.js';",
  "import { runGate } from '../run.js';",
  "import { runTrials } from '../measure/run-trials.js';",
  "import { createDeps } from '../adapters/create-deps.js';",
  "import { main } from '../main.js';",
  "import { readFileSync } from 'node:fs';",
  "import { spawn } from 'child_process';",
  "import * as core from '@actions/core';",
];
const probe = edgeImports.join('\n') + '\nexport {};\n';

describe('core purity lint', () => {
  for (const folder of ['report', 'compare', 'config', 'publish', 'history']) {
    it(`refuses every edge import in src/${folder}/`, async () => {
      const lines = await refusedLines(`src/${folder}/probe.ts`, probe);
      expect(lines).toEqual(edgeImports.map((_, i) => i + 1));
    });
  }

  it('refuses publish/ in the rest of the core, and lets the core import itself', async () => {
    const code = [
      "import { publishReport } from '../publish/publish-report.js';",
      "import type { GateReport } from '../model/results.js';",
      "import { median } from '../stats/median.js';",
      "import type { Log } from '../ports.js';",
      'export type { GateReport, Log };',
      'export { median, publishReport };',
    ].join('\n');
    expect(await refusedLines('src/report/probe.ts', code)).toEqual([1]);
  });
});
