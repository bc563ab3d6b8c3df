import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

// Schemathesis (PyPI) against every service's OpenAPI document, with credentials so protected
// operations reach their handlers (scripts/schemathesis.sh): no generated request may get a 5xx or
// a status its operation does not declare. The script installs its venv on first use and starts
// the services it needs (or reuses the harness's); a failing run prints the st report and the
// failing service's log tail here.
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const MAX_EXAMPLES = process.env.SCHEMATHESIS_MAX_EXAMPLES ?? '10';

const tail = (file: string, lines: number): string =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : `(no ${file})`;

test('schemathesis: no 5xx and no undeclared status on any operation', { timeout: 12 * 60_000 }, async () => {
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
    const child = spawn(
      'bash',
      [path.join(ROOT, 'scripts', 'schemathesis.sh'), '--max-examples', MAX_EXAMPLES],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (c) => resolve({ code: c ?? 1, output }));
  });
  if (code !== 0) {
    const reports: string[] = [];
    for (const match of output.matchAll(/^!! (\w+) \((\w+)\) failed: (\S+)$/gm)) {
      const [, service, label, log] = match;
      const failures = readFileSync(log!, 'utf8');
      const start = failures.indexOf('FAILURES');
      reports.push(
        `--- ${service} (${label}) st report\n${start < 0 ? tail(log!, 60) : failures.slice(start, start + 6000)}`,
        `--- ${service} service log tail\n${tail(path.join(ROOT, '.stack', 'logs', 'e2e', `${service}.log`), 20)}`,
      );
    }
    console.log(`${output}\n${reports.join('\n')}`);
  }
  assert.equal(
    code,
    0,
    `scripts/schemathesis.sh exited ${code}:\n${output.split('\n').slice(-30).join('\n')}`,
  );
});
