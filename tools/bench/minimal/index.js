// Starts the minimal endpoint (server.js) as its own process, so it has its own event loop and
// its own RSS row like every service, and stops it again.
const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');
const { freePort } = require('../../system/launcher');

const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

/** Resolves with { url, process (labelled for the memory table), stop() } once it listens. */
async function startMinimal({ file, log = () => undefined }) {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(__dirname, 'server.js'), '--file', file, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.label = 'minimal';
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const tail = [];
  const listening = new Promise((resolve) => {
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream }).on('line', (line) => {
        tail.push(line);
        log('minimal', line);
        if (line.startsWith('listening ')) resolve();
      });
    }
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  let timer;
  const outcome = await Promise.race([
    listening.then(() => 'ready'),
    exited.then((result) => `exited (${JSON.stringify(result)})`),
    new Promise((resolve) => (timer = setTimeout(() => resolve(`not listening within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
  if (outcome !== 'ready') {
    await stop();
    throw new Error(`minimal endpoint ${outcome}:\n${tail.join('\n')}`);
  }
  return { url: `http://127.0.0.1:${port}`, process: child, stop };
}

module.exports = { startMinimal };
