// A head that answers errors never passes as faster (issue 8, item 1), through the bundled CLI on
// real servers: error responses are cheap, so without the error guard their CPU per request reads
// as a large improvement.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { makeRepo, PROFILES_OFF, runCli, type TempRepo } from '../e2e/make-repo.js';

let repo: TempRepo | undefined;
afterEach(() => repo?.remove());

/** A stdlib server burning ~3 ms of CPU per 200 response; `FAIL_EVERY` > 0 answers 500 to every n-th request. */
function server(failEvery: number): string {
  return [
    'import os, time',
    'from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler',
    `FAIL_EVERY = ${failEvery}`,
    'count = 0',
    'class H(BaseHTTPRequestHandler):',
    '    protocol_version = "HTTP/1.1"',
    '    def log_message(self, *a): pass',
    '    def answer(self, status, body):',
    '        self.send_response(status); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)',
    '    def do_GET(self):',
    '        global count',
    '        if self.path == "/healthz": return self.answer(200, b"ok")',
    '        count += 1',
    '        if FAIL_EVERY and count % FAIL_EVERY == 0:',
    '            print(f"error: widget store unavailable (request {count})", flush=True)',
    '            return self.answer(500, b"widget store unavailable")',
    '        end = time.process_time() + 0.003',
    '        while time.process_time() < end: pass',
    '        self.answer(200, b"widgets")',
    'ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()',
  ].join('\n');
}

const CONFIG = [
  'server:',
  '  command: python3 widgets.py',
  '  ready: /healthz',
  'http:',
  '  - name: widgets',
  '    path: /widgets',
  '    connections: 4',
  '    duration: 1s',
  '    warmup: 0s',
  'gate:',
  '  trials: 4',
  PROFILES_OFF,
].join('\n');

/** Gates a head that answers 500 to every `failEvery`-th request against a base that never does. */
function gateHeadFailingEvery(failEvery: number): { out: string; result: ReturnType<typeof runCli> } {
  repo = makeRepo(
    'stdlib',
    { 'widgets.py': server(failEvery) },
    { 'perfgate.yml': CONFIG, 'widgets.py': server(0) },
  );
  const out = path.join(repo.dir, 'out');
  return { out, result: runCli(repo.dir, 'run', '--base', 'HEAD~1', '--out', out) };
}

describe('perfgate run (CLI) on a head that answers errors', () => {
  it('a head answering 500 to every request is a failed measurement: exit 3, a sample response and the log tail', () => {
    const { out, result } = gateHeadFailingEvery(1);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/the head server failed 100\.0% of the requests of `widgets`/);
    expect(result.stderr).toContain('sample response: HTTP 500');
    expect(result.stderr).toContain('widget store unavailable');
    expect(result.stderr).toMatch(/error: widget store unavailable \(request \d+\)/);
    const report: unknown = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report).toMatchObject({ status: 'failed' });
    expect(result.stdout).not.toMatch(/improvement/);
  });

  it('a head answering 500 to one request in ten fails the gate as "head answers errors": exit 1', () => {
    const { out, result } = gateHeadFailingEvery(10);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('perfgate: head answers errors');
    const rate = /head answers errors \(non-2xx\/3xx, resets or timeouts\) on (\d+\.\d)% of requests/.exec(
      result.stdout,
    );
    expect(Number(rate?.[1])).toBeGreaterThan(8);
    expect(Number(rate?.[1])).toBeLessThan(12);
    const report: unknown = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report).toMatchObject({ verdict: 'regression', regressions: 1 });
    expect(result.stdout).not.toMatch(/improvement/);
  });
});
