import { describe, expect, it } from 'vitest';
import { parseActionInputs } from '../../src/config/action-inputs.js';
import { ConfigError } from '../../src/errors.js';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { assertEventMayRunPullRequestCode, planFromEvent } from '../../src/plan/event.js';

const reader = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? '';

describe('parseActionInputs', () => {
  it('applies the documented defaults', () => {
    expect(parseActionInputs(reader({}))).toEqual({
      config: 'perfgate.yml',
      githubToken: '',
      comment: 'always',
      failOnRegression: true,
      workingDirectory: '.',
      allowPullRequestTargetUntrustedCode: false,
      baseline: 'same-runner',
      failOnChangePoint: false,
      trends: false,
    });
  });

  it('reads every input', () => {
    const inputs = {
      config: 'perf/gate.yml',
      'github-token': 't',
      comment: 'on-regression',
      'fail-on-regression': 'FALSE',
      'working-directory': 'svc',
      base: ' main ',
      head: 'HEAD',
      'allow-pull-request-target-untrusted-code': 'True',
      'artifact-name': ' gate results ',
      'retention-days': ' 14 ',
      baseline: ' Auto ',
      'fail-on-change-point': 'TRUE',
      trends: 'true',
    };
    expect(parseActionInputs(reader(inputs))).toEqual({
      config: 'perf/gate.yml',
      githubToken: 't',
      comment: 'on-regression',
      failOnRegression: false,
      workingDirectory: 'svc',
      base: 'main',
      head: 'HEAD',
      allowPullRequestTargetUntrustedCode: true,
      artifactName: 'gate results',
      retentionDays: 14,
      baseline: 'auto',
      failOnChangePoint: true,
      trends: true,
    });
  });

  it.each(['1', '90'])('accepts retention-days %s, the ends of GitHub’s range', (days) => {
    expect(parseActionInputs(reader({ 'retention-days': days })).retentionDays).toBe(Number(days));
  });

  it.each([
    ['comment', 'Always', 'always'],
    ['comment', ' ON-REGRESSION ', 'on-regression'],
    ['fail-on-regression', 'TRUE', true],
    ['fail-on-regression', ' False', false],
  ])('reads %s %j ignoring case and blanks, one rule for every choice input', (name, raw, expected) => {
    const parsed = parseActionInputs(reader({ [name]: raw }));
    expect(name === 'comment' ? parsed.comment : parsed.failOnRegression).toBe(expected);
  });

  it.each([
    [
      { comment: 'sometimes' },
      /input `comment`: expected one of always, on-regression, never, got "sometimes"/,
    ],
    [{ 'fail-on-regression': 'yes' }, /input `fail-on-regression`: expected true or false, got "yes"/],
    [{ baseline: 'nightly' }, /input `baseline`: expected one of same-runner, stored, auto, got "nightly"/],
    [
      { 'allow-pull-request-target-untrusted-code': 'yes' },
      /input `allow-pull-request-target-untrusted-code`: expected true or false, got "yes"/,
    ],
    [
      { 'retention-days': '0' },
      /input `retention-days`: expected a whole number of days from 1 to 90, got "0"/,
    ],
    [{ 'retention-days': '91' }, /input `retention-days`: .* got "91"/],
    [{ 'retention-days': '7.5' }, /input `retention-days`: .* got "7.5"/],
    [{ 'retention-days': 'week' }, /input `retention-days`: .* got "week"/],
    [{ 'artifact-name': 'perf/results' }, /input `artifact-name`: "perf\/results" contains "\/"/],
    [{ 'artifact-name': 'a:b?c' }, /input `artifact-name`: .* contains ":", "\?"/],
    [{ 'artifact-name': 'back\\slash' }, /input `artifact-name`: .* contains "\\\\"/],
  ])('rejects %j naming the input and the accepted values', (inputs, message) => {
    expect(() => parseActionInputs(reader(inputs))).toThrow(ConfigError);
    expect(() => parseActionInputs(reader(inputs))).toThrow(message);
  });

  it('reads exactly the inputs action.yml declares, so every hint naming an input can be followed', () => {
    const action = parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    const read: string[] = [];
    parseActionInputs((name) => (read.push(name), ''));
    expect([...read].sort()).toEqual(Object.keys(action.inputs).sort());
    // The first push of a branch tells the user to set `base`: it must be an input.
    let hint = '';
    try {
      planFromEvent('push', { ref: 'refs/heads/x', before: '0'.repeat(40), after: 'a'.repeat(40) });
    } catch (error) {
      hint = (error as ConfigError).hint;
    }
    const named = /set the `([a-z-]+)` input/.exec(hint)?.[1];
    expect(named).toBe('base');
    expect(Object.keys(action.inputs)).toContain(named);
  });

  it('refuses pull_request_target naming a declared input that opts in, and only that event', () => {
    const action = parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as {
      inputs: Record<string, { default?: string }>;
    };
    const refuse = () =>
      assertEventMayRunPullRequestCode('pull_request_target', parseActionInputs(reader({})));
    expect(refuse).toThrow(ConfigError);
    expect(refuse).toThrow(/refuses to build and run the pull request's code under `pull_request_target`/);
    expect(refuse).toThrow(/write access .* secrets are available/);
    let hint = '';
    try {
      refuse();
    } catch (error) {
      hint = (error as ConfigError).hint;
    }
    const named = /set `([a-z-]+): true`/.exec(hint)?.[1];
    expect(named).toBe('allow-pull-request-target-untrusted-code');
    expect(action.inputs[named ?? '']?.default).toBe('false');
    const optedIn = parseActionInputs(reader({ [named ?? '']: 'true' }));
    expect(() => assertEventMayRunPullRequestCode('pull_request_target', optedIn)).not.toThrow();
    for (const eventName of ['pull_request', 'push']) {
      expect(() => assertEventMayRunPullRequestCode(eventName, parseActionInputs(reader({})))).not.toThrow();
    }
  });
});
