import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/index.js';
import { makeReport } from './report-fixture.js';

const URL_OK = 'https://github.com/acme/shop/actions/runs/4242/artifacts/7000001';

describe('renderMarkdown with the results artifact', () => {
  it.each(['unchanged', 'failed'] as const)('links the artifact by name in a %s report', (kind) => {
    const markdown = renderMarkdown(makeReport(kind), {
      artifact: { name: 'perfgate-perfgate', url: URL_OK },
    });
    expect(markdown).toContain(`Profiles and raw results: [perfgate-perfgate artifact](${URL_OK})`);
  });

  it('renders no artifact line without the option', () => {
    expect(renderMarkdown(makeReport('unchanged'))).not.toContain('Profiles and raw results');
  });

  it('escapes the name and keeps the URL from ending the link or opening markup', () => {
    const markdown = renderMarkdown(makeReport('unchanged'), {
      artifact: { name: 'gate [x](y) *z*', url: 'https://example.com/a b)(c<d>"e\'f' },
    });
    const line = markdown.split('\n').find((l) => l.startsWith('Profiles and raw results:'));
    expect(line).toBe(
      'Profiles and raw results: [gate \\[x\\](y) \\*z\\* artifact](https://example.com/a%20b%29%28c%3Cd%3E%22e%27f)',
    );
  });

  it.each(['javascript:alert(1)', 'data:text/html,x', 'not a url'])(
    'shows a %s URL as text, never as a link',
    (url) => {
      const markdown = renderMarkdown(makeReport('unchanged'), {
        artifact: { name: 'perfgate-perfgate', url },
      });
      expect(markdown).toContain('Profiles and raw results: perfgate-perfgate artifact');
      expect(markdown).not.toContain(url);
    },
  );
});
