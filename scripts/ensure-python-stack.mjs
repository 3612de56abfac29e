// `npm test`'s pretest: the integration and end-to-end tests serve real Flask and FastAPI apps
// under gunicorn and uvicorn from Debian's packages. Installs them when they are missing and this
// is a root shell with apt-get (a fresh CI machine); otherwise says exactly what to install.
import { spawnSync } from 'node:child_process';

const PACKAGES = [
  'python3-flask',
  'gunicorn',
  'python3-uvicorn',
  'python3-fastapi',
  'python3-uvloop',
  'python3-httptools',
];
const ok = (command, args) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;
const present = () =>
  ok('/usr/bin/python3', ['-c', 'import flask, fastapi, uvicorn']) && ok('sh', ['-c', 'command -v gunicorn']);

if (!present()) {
  const command = `apt-get update && apt-get install -y --no-install-recommends ${PACKAGES.join(' ')}`;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !ok('sh', ['-c', 'command -v apt-get'])) {
    console.error(`The tests need Debian's Python web stack. Install it with:\n  sudo ${command}`);
    process.exit(1);
  }
  console.log(`Installing the Python web stack the tests serve: ${PACKAGES.join(' ')}`);
  const install = spawnSync('sh', ['-c', command], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (install.status !== 0 || !present()) {
    console.error(`Installing failed; run it by hand:\n  ${command}`);
    process.exit(1);
  }
}

// The profiling tests attach py-spy (from PyPI, not Debian) to real servers.
const PY_SPY = 'py-spy==0.4.3';
if (!ok('py-spy', ['--version'])) {
  console.log(`Installing ${PY_SPY} for the profiling tests`);
  const pip = (extra) => ok('python3', ['-m', 'pip', 'install', '--quiet', ...extra, PY_SPY]);
  if (!pip([]) && !pip(['--break-system-packages'])) {
    console.error(`The profiling tests need py-spy. Install it with:\n  python3 -m pip install ${PY_SPY}`);
    process.exit(1);
  }
  if (!ok('py-spy', ['--version'])) {
    console.error(
      `${PY_SPY} installed but \`py-spy\` is not on PATH; add pip's script folder (e.g. ~/.local/bin) to PATH.`,
    );
    process.exit(1);
  }
}
