// isNodeCommand: which server commands the `auto` profiler choice treats as Node programs.
import { describe, expect, it } from 'vitest';
import { isNodeCommand } from '../../src/adapters/node-bootstrap.js';

describe('isNodeCommand', () => {
  const cases: [string, boolean][] = [
    ['node app.js', true],
    ['node --enable-source-maps dist/server.js --port $PORT', true],
    ['/usr/bin/node app.js', true],
    ['/opt/node-v20/bin/node server.mjs', true],
    ['nodejs app.js', true],
    ['"/usr/local/bin/node" app.js', true],
    ['exec node app.js', true],
    ['env X=1 node app.js', true],
    ['env -u NODE_ENV -i PATH=/usr/bin node app.js', true],
    ['PORT=$PORT NODE_ENV=production node app.js', true],
    ['exec env FOO="a b" node app.js', true],
    ['npm start', true],
    ['npm run serve -- --port $PORT', true],
    ['npx next start -p $PORT', true],
    ['yarn start', true],
    ['pnpm start', true],
    ['tsx src/server.ts', true],
    ['ts-node src/server.ts', true],
    ['cd api && node server.js', true],
    ['npm run build && exec node dist/server.js', true],
    ['bun run server.ts', false],
    ['bun server.js', false],
    ['python3 -m http.server $PORT', false],
    ['gunicorn -w 2 -b 127.0.0.1:$PORT app:app', false],
    ['env NODE=1 python3 app.py', false],
    ['sh -c "node app.js"', false],
    ['./node_modules/.bin/nodemon app.js', false],
    ['node-red', false],
    ['nodeapp', false],
    ['', false],
    ['X=1', false],
    ['cd api && python3 app.py', false],
  ];
  it.each(cases)('%j → %s', (command, expected) => {
    expect(isNodeCommand(command)).toBe(expected);
  });
});
