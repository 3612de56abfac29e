import { describe, expect, it } from 'vitest';
import { parseActionInputs } from '../../src/config/action-inputs.js';
import { ConfigError } from '../../src/errors.js';

const reader = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? '';

describe('parseActionInputs', () => {
  it('applies the documented defaults', () => {
    expect(parseActionInputs(reader({}))).toEqual({
      config: 'perfgate.yml',
      githubToken: '',
      comment: 'always',
      failOnRegression: true,
      workingDirectory: '.',
    });
  });

  it('reads every input', () => {
    const inputs = {
      config: 'perf/gate.yml',
      'github-token': 't',
      comment: 'on-regression',
      'fail-on-regression': 'FALSE',
      'working-directory': 'svc',
    };
    expect(parseActionInputs(reader(inputs))).toEqual({
      config: 'perf/gate.yml',
      githubToken: 't',
      comment: 'on-regression',
      failOnRegression: false,
      workingDirectory: 'svc',
    });
  });

  it.each([
    [
      { comment: 'sometimes' },
      /input `comment`: expected one of always, on-regression, never, got "sometimes"/,
    ],
    [{ 'fail-on-regression': 'yes' }, /input `fail-on-regression`: expected true or false, got "yes"/],
  ])('rejects %j naming the input and the accepted values', (inputs, message) => {
    expect(() => parseActionInputs(reader(inputs))).toThrow(ConfigError);
    expect(() => parseActionInputs(reader(inputs))).toThrow(message);
  });
});
