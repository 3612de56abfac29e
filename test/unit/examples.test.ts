// What a user copies must work: every example config parses, and every workflow that uses the
// action (the example and the README's) passes only inputs action.yml declares.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { parseConfig } from '../../src/config/index.js';

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const actionInputs = Object.keys(
  z.object({ inputs: z.record(z.string(), z.unknown()) }).parse(parse(read('action.yml'))).inputs,
);
const step = z.object({ uses: z.string().optional(), with: z.record(z.string(), z.unknown()).optional() });
const workflow = z.object({ jobs: z.record(z.string(), z.object({ steps: z.array(step) })) });

/** Every YAML block in a Markdown file that is a workflow (has `jobs:`). */
function workflowBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ya?ml\n([\s\S]*?)```/g)]
    .map((match) => match[1] ?? '')
    .filter((text) => /^jobs:/m.test(text));
}
const workflowFiles = readdirSync(path.join(root, 'examples/workflows'))
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => `examples/workflows/${name}`);

function perfgateSteps(yamlText: string) {
  const steps = Object.values(workflow.parse(parse(yamlText)).jobs).flatMap((job) => job.steps);
  return steps.filter((s) => s.uses?.includes('perfgate'));
}

describe('examples', () => {
  const examples = readdirSync(path.join(root, 'examples')).filter((name) =>
    existsSync(path.join(root, 'examples', name, 'perfgate.yml')),
  );

  it('include stdlib, Flask and FastAPI apps, each with a regressed variant', () => {
    expect(examples.sort()).toEqual(['fastapi', 'flask', 'stdlib']);
    for (const name of examples)
      expect(existsSync(path.join(root, 'examples', name, 'variants/regressed/app.py'))).toBe(true);
  });

  it.each(['fastapi', 'flask', 'stdlib'])('%s/perfgate.yml is a valid config', (name) => {
    const config = parseConfig(read(`examples/${name}/perfgate.yml`), `examples/${name}/perfgate.yml`);
    expect(config.http.length).toBeGreaterThan(0);
    expect(config.server.ready).toBe('/healthz');
  });

  it.each([
    ['examples/workflows/perf.yml', read('examples/workflows/perf.yml')],
    ['README.md', /```yaml\n(# \.github\/workflows[\s\S]*?)```/.exec(read('README.md'))?.[1] ?? ''],
  ])('%s uses the action with declared inputs only, and fetches full history', (_name, text) => {
    const steps = perfgateSteps(text);
    expect(steps).toHaveLength(1);
    for (const input of Object.keys(steps[0]?.with ?? {})) expect(actionInputs).toContain(input);
    expect(text).toMatch(/fetch-depth: 0/);
  });

  it('every workflow checks out with persist-credentials: false (the worktrees share .git/config)', () => {
    const texts = [
      ...workflowFiles.map((file) => ({ where: file, text: read(file) })),
      ...workflowBlocks(read('README.md')).map((text) => ({ where: 'README.md', text })),
    ];
    expect(texts.map((t) => t.where)).toEqual(
      expect.arrayContaining(['examples/workflows/perf.yml', 'README.md']),
    );
    const checkouts = texts.flatMap(({ where, text }) =>
      Object.values(workflow.parse(parse(text)).jobs)
        .flatMap((job) => job.steps)
        .filter((s) => s.uses?.startsWith('actions/checkout@'))
        .map((s) => ({ where, persistCredentials: s.with?.['persist-credentials'] })),
    );
    expect(checkouts.length).toBeGreaterThanOrEqual(texts.length);
    for (const checkout of checkouts)
      expect(checkout).toEqual({ where: checkout.where, persistCredentials: false });
  });
});
