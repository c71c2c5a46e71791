// The echo servers against a client nobody here wrote: the npm `ws` package.
//
//   node ws_client_test.mjs <path to echo_serve>
//
// Spawns the fixture, reads its JSON announcement, runs the checks, then stops
// it with SIGTERM. Every wait has a timeout and the whole run a hard one, so it
// can never hang. Exit code 0 only when every check passed.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

// Resolve `ws` from the repository root (two levels up), wherever ctest runs us.
const require = createRequire(new URL('../../package.json', import.meta.url));
const WebSocket = require('ws');

const HARD_TIMEOUT_MS = 20000;
const STEP_TIMEOUT_MS = 5000;

const fixture = process.argv[2];
if (!fixture) {
  console.error('usage: node ws_client_test.mjs <echo_serve>');
  process.exit(2);
}

let child;
const hard = setTimeout(() => {
  console.error(`FAIL: hard timeout of ${HARD_TIMEOUT_MS} ms`);
  if (child) child.kill('SIGKILL');
  process.exit(1);
}, HARD_TIMEOUT_MS);

function withTimeout(promise, what, ms = STEP_TIMEOUT_MS) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timeout: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

function open(url, protocols, options) {
  const ws = new WebSocket(url, protocols, options);
  return withTimeout(
    new Promise((resolve, reject) => {
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    }),
    `open ${url}`,
  );
}

function nextMessage(ws) {
  return withTimeout(
    new Promise((resolve, reject) => {
      ws.once('message', (data, isBinary) => resolve({ data, isBinary }));
      ws.once('error', reject);
    }),
    'message',
  );
}

function closed(ws) {
  return withTimeout(
    new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))),
    'close',
  );
}

async function readAnnouncement() {
  const lines = createInterface({ input: child.stdout });
  const first = new Promise((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fixture exited early (${code})`)));
  });
  const line = await withTimeout(first, 'fixture announcement', 10000);
  return JSON.parse(line);
}

const checks = [
  ['wss echo with only the announced CA trusted', async (_base, announced) => {
    assert(typeof announced.wss === 'string' && announced.wss.startsWith('wss://'), 'no wss in the announcement');
    const ws = await open(`${announced.wss}/echo?tag=node-wss`, undefined, { ca: announced.ca_pem });
    ws.send('secure');
    const { data, isBinary } = await nextMessage(ws);
    assert(!isBinary && data.toString() === 'secure', `echoed ${data}`);
    ws.close(1000);
    await closed(ws);
  }],
  ['wss without the CA fails verification', async (_base, announced) => {
    let failedOpen = false;
    try {
      const ws = await open(`${announced.wss}/echo?tag=node-wss-untrusted`);
      ws.terminate();
    } catch (e) {
      failedOpen = !String(e.message).startsWith('timeout');
    }
    assert(failedOpen, 'an untrusted wss handshake succeeded or timed out');
  }],
  ['text echo stays a string', async (base) => {
    const ws = await open(`${base}/echo?tag=node-text`);
    ws.send('héllo');
    const { data, isBinary } = await nextMessage(ws);
    assert(isBinary === false, 'text came back binary');
    assert(data.toString('utf8') === 'héllo', `got ${data}`);
    ws.close(1000);
    await closed(ws);
  }],
  ['binary echo stays binary with the same bytes', async (base) => {
    const ws = await open(`${base}/echo?tag=node-bin`);
    const bytes = Buffer.from([0, 1, 2, 0xfe, 0xff]);
    ws.send(bytes);
    const { data, isBinary } = await nextMessage(ws);
    assert(isBinary === true, 'binary came back as text');
    assert(Buffer.compare(Buffer.from(data), bytes) === 0, `got ${Buffer.from(data).toString('hex')}`);
    ws.close(1000);
    await closed(ws);
  }],
  ['/close sends code 4001 and reason "bye"', async (base) => {
    const ws = new WebSocket(`${base}/close?code=4001&reason=bye&tag=node-close`);
    const ev = await closed(ws);
    assert(ev.code === 4001, `code ${ev.code}`);
    assert(ev.reason === 'bye', `reason ${JSON.stringify(ev.reason)}`);
  }],
  ['/reject?status=403 answers 403', async (base) => {
    const ws = new WebSocket(`${base}/reject?status=403&tag=node-reject`);
    const status = await withTimeout(
      new Promise((resolve, reject) => {
        ws.once('unexpected-response', (req, res) => {
          resolve(res.statusCode);
          res.resume();
          req.destroy();
        });
        ws.once('open', () => reject(new Error('handshake was accepted')));
      }),
      'unexpected-response',
    );
    ws.on('error', () => {}); // the destroyed request may still report
    assert(status === 403, `status ${status}`);
  }],
  ['/handshake reflects custom header and offered protocols', async (base) => {
    // Offered through a raw header: `ws` fails a handshake whose answer picks
    // none of the protocols passed to its constructor (see the next check).
    const ws = new WebSocket(`${base}/handshake?tag=node-hs`, [], {
      headers: { 'X-Sockconf-Test': 'node ws', 'Sec-WebSocket-Protocol': 'chat, superchat' },
    });
    // Listen before 'open': the report can arrive in the same packet as the 101,
    // and `ws` emits it in the same tick as 'open'.
    const first = nextMessage(ws);
    await withTimeout(new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    }), 'open /handshake');
    const { data, isBinary } = await first;
    assert(isBinary === false, 'handshake report came as binary');
    const j = JSON.parse(data.toString('utf8'));
    assert(j.method === 'GET', `method ${j.method}`);
    assert(j.target === '/handshake?tag=node-hs', `target ${j.target}`);
    assert(j.headers['x-sockconf-test'] === 'node ws', `headers ${JSON.stringify(j.headers)}`);
    assert(JSON.stringify(j.protocols) === '["chat","superchat"]', `protocols ${JSON.stringify(j.protocols)}`);
    ws.send('then echo');
    const echo = await nextMessage(ws);
    assert(echo.data.toString() === 'then echo', `echo ${echo.data}`);
    ws.close(1000);
    await closed(ws);
  }],
  ['ping=2: the pings arrive with their payloads; `ws` answers them', async (base) => {
    const ws = new WebSocket(`${base}/echo?ping=2&tag=node-ping`);
    // Listen before 'open': the pings can arrive in the same packet as the 101.
    const payloads = [];
    const pinged = withTimeout(new Promise((resolve) => ws.on('ping', (data) => {
      payloads.push(data.toString());
      if (payloads.length === 2) resolve();
    })), 'two pings');
    await withTimeout(new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    }), 'open ping');
    await pinged;
    assert(JSON.stringify(payloads) === '["sockconf-ping-1","sockconf-ping-2"]', `pings ${JSON.stringify(payloads)}`);
    // Still echoing after the pings (and the pongs `ws` sent back).
    ws.send('after pings');
    const { data } = await nextMessage(ws);
    assert(data.toString() === 'after pings', `echo ${data}`);
    ws.close(1000);
    await closed(ws);
  }],
  ['the server answers no subprotocol', async (base) => {
    const ws = new WebSocket(`${base}/echo?tag=node-proto`, ['chat']);
    // Both listeners up front: `ws` emits the error in the same tick as 'upgrade'.
    const answered = withTimeout(
      new Promise((resolve) => ws.once('upgrade', (res) => resolve(res.headers['sec-websocket-protocol']))),
      'upgrade',
    );
    const failed = withTimeout(new Promise((resolve) => ws.once('error', resolve)), 'error');
    const [protocol, err] = await Promise.all([answered, failed]);
    assert(protocol === undefined, `server picked ${protocol}`);
    assert(/no subprotocol/i.test(err.message), `error ${err.message}`);
  }],
];

async function main() {
  child = spawn(fixture, [], { stdio: ['ignore', 'pipe', 'inherit'] });
  child.once('error', (e) => {
    console.error(`FAIL: cannot start fixture: ${e.message}`);
    process.exit(1);
  });
  let passed = 0;
  let failed = 0;
  let announced;
  try {
    announced = await readAnnouncement();
    assert(typeof announced.ws === 'string' && announced.ws.startsWith('ws://127.0.0.1:'), 'bad ws url');
    assert(announced.tcp && announced.tcp.host === '127.0.0.1' && announced.tcp.port > 0, 'bad tcp');
  } catch (e) {
    console.error(`FAIL: announcement: ${e.message}`);
    child.kill('SIGKILL');
    process.exit(1);
  }

  for (const [name, run] of checks) {
    try {
      await run(announced.ws, announced);
      console.log(`ok   ${name}`);
      passed++;
    } catch (e) {
      console.log(`FAIL ${name}: ${e.message}`);
      failed++;
    }
  }

  try {
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.kill('SIGTERM');
    const { code, signal } = await withTimeout(exited, 'fixture exit after SIGTERM');
    assert(code === 0, `fixture exited with code ${code} signal ${signal}`);
    console.log('ok   fixture exits 0 on SIGTERM');
    passed++;
  } catch (e) {
    console.log(`FAIL fixture exits 0 on SIGTERM: ${e.message}`);
    child.kill('SIGKILL');
    failed++;
  }

  console.log(`${passed} passed, ${failed} failed`);
  clearTimeout(hard);
  process.exit(failed === 0 ? 0 : 1);
}

main();
