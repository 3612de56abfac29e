// The CLI against real processes when things go wrong: each failure exits with its documented
// code, shows the evidence (log tail), and leaves no process and no worktree behind.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { makeRepo, processesWith, repoRoot, runCli, type TempRepo } from '../e2e/make-repo.js';

let repo: TempRepo | undefined;
afterEach(() => repo?.remove());

function configWith(server: string, extra = ''): string {
  return `${extra}server:\n${server}\nhttp:\n  - name: home\n    path: /\n    connections: 4\n    duration: 1s\n    warmup: 0s\ngate:\n  trials: 4\n`;
}

describe('perfgate run (CLI) failures', () => {
  it('a server that never becomes ready: exit 3, its log tail, no orphan, no worktree', () => {
    const marker = `never-ready-${process.pid}-${Date.now()}`;
    const server = `  command: MARKER=${marker} python3 -c "print('booting the app', flush=True); import time; time.sleep(60)"\n  startup-timeout: 2s`;
    repo = makeRepo('stdlib', {}, { 'perfgate.yml': configWith(server) });
    const result = runCli(repo.dir, 'run', '--base', 'HEAD~1', '--out', path.join(repo.dir, 'out'));
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/did not answer 2xx|never|within/i);
    expect(result.stderr).toContain('booting the app');
    expect(processesWith(marker)).toEqual([]);
    expect(repo.git('worktree', 'list').split('\n')).toHaveLength(1);
    // What was measured before the failure (here: nothing) is still written, with the error.
    const report: unknown = JSON.parse(readFileSync(path.join(repo.dir, 'out', 'report.json'), 'utf8'));
    expect(report).toMatchObject({ status: 'failed' });
  });

  it('a server that crashes mid-run: exit 3 with the crash in the log tail, no orphan', () => {
    const marker = `crash-${process.pid}-${Date.now()}`;
    const crashy = [
      'import os, sys',
      'from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler',
      'count = 0',
      'class H(BaseHTTPRequestHandler):',
      '    protocol_version = "HTTP/1.1"',
      '    def log_message(self, *a): pass',
      '    def do_GET(self):',
      '        global count',
      '        count += 1',
      '        if count > 50:',
      '            print("fatal: out of widgets after 50 requests", flush=True)',
      '            os._exit(1)',
      '        self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"ok")',
      'ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()',
    ].join('\n');
    const server = `  command: MARKER=${marker} python3 crashy.py\n  ready: /`;
    repo = makeRepo('stdlib', {}, { 'perfgate.yml': configWith(server), 'crashy.py': crashy });
    const result = runCli(repo.dir, 'run', '--base', 'HEAD~1', '--out', path.join(repo.dir, 'out'));
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('out of widgets');
    expect(result.stderr).toMatch(/server exited/);
    expect(processesWith(marker)).toEqual([]);
    expect(repo.git('worktree', 'list').split('\n')).toHaveLength(1);
  });

  it('a failing build: exit 3 naming the command, with its output', () => {
    const server = '  command: python3 app.py\n  ready: /healthz';
    repo = makeRepo(
      'stdlib',
      {},
      { 'perfgate.yml': configWith(server, 'build: echo compiling assets && exit 7\n') },
    );
    const result = runCli(repo.dir, 'run', '--base', 'HEAD~1', '--out', path.join(repo.dir, 'out'));
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('exited with 7');
    expect(result.stderr).toContain('compiling assets');
  });

  it('an invalid config: exit 2 naming the file and key, before anything runs', () => {
    repo = makeRepo(
      'stdlib',
      {},
      { 'perfgate.yml': 'server:\n  command: python3 app.py\n  startup-timout: 5s\nhttp: []\n' },
    );
    const result = runCli(repo.dir, 'run', '--base', 'HEAD~1', '--out', path.join(repo.dir, 'out'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('perfgate.yml');
    expect(result.stderr).toContain('startup-timeout');
    expect(existsSync(path.join(repo.dir, 'out', 'report.json'))).toBe(false);
  });

  it('an unknown base revision: exit 2 with a hint about fetch depth', () => {
    repo = makeRepo('stdlib', {});
    const result = runCli(repo.dir, 'run', '--base', 'no-such-branch');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no-such-branch');
    expect(result.stderr).toMatch(/fetch-depth/);
  });

  it('usage errors: exit 2', () => {
    expect(runCli(repoRoot, 'run').code).toBe(2);
    expect(runCli(repoRoot, 'frobnicate', '--base', 'x').code).toBe(2);
    const bogus = runCli(repoRoot, 'run', '--base', 'x', '--bogus');
    expect(bogus.code).toBe(2);
    // The flag is named with a hint, and no stack trace reaches the user.
    expect(bogus.stderr).toMatch(/perfgate: .*'--bogus'/);
    expect(bogus.stderr).toContain('perfgate --help');
    expect(bogus.stderr).not.toMatch(/TypeError|\n\s+at /);
  });
});
