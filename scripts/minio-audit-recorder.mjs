// Receives MinIO's audit webhook and appends every audit entry as one JSON line to a file.
// Tests count origin fetches (GetObject per object key) from that file, so the recorder
// must never drop or merge entries. Plain JS on purpose: it runs on the system Node too.
//
// usage: node scripts/minio-audit-recorder.mjs --port 52600 --out .stack/logs/minio-audit.jsonl
import { appendFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname } from 'node:path';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i !== -1 && process.argv[i + 1]) return process.argv[i + 1];
  if (fallback !== undefined) return fallback;
  console.error(`minio-audit-recorder: missing --${name}`);
  process.exit(2);
}

const port = Number(arg('port', '52600'));
const out = arg('out');
const host = arg('host', '127.0.0.1');
mkdirSync(dirname(out), { recursive: true });

// MinIO sends one JSON document per request (batch size 1) but a batch may hold several
// newline-separated documents; accept both and normalise to one compact line each.
function toLines(body) {
  const lines = [];
  for (const raw of body.split('\n')) {
    const text = raw.trim();
    if (text === '') continue;
    try {
      lines.push(JSON.stringify(JSON.parse(text)));
    } catch {
      lines.push(JSON.stringify({ unparsable: text }));
    }
  }
  return lines;
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && (req.url === '/healthz' || req.url === '/')) {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    return;
  }
  if (req.method !== 'POST' && req.method !== 'PUT') {
    res.writeHead(405).end();
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const lines = toLines(Buffer.concat(chunks).toString('utf8'));
    // Synchronous append: entries land in the order MinIO sent them, and a test that reads
    // the file right after MinIO got our 200 sees the entry.
    if (lines.length > 0) appendFileSync(out, `${lines.join('\n')}\n`);
    res.writeHead(200).end();
  });
  req.on('error', () => res.writeHead(400).end());
});

server.listen(port, host, () => {
  console.log(`minio-audit-recorder listening on http://${host}:${port}/ → ${out}`);
});

for (const sig of ['SIGTERM', 'SIGINT']) {
  // Appends are synchronous, so nothing is pending: exit at once rather than wait for
  // MinIO's keep-alive connections to close.
  process.on(sig, () => process.exit(0));
}
