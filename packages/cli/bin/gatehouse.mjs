#!/usr/bin/env node
// Launcher of the `gatehouse` CLI. The CLI is TypeScript run without a build step, which needs a Node
// that strips types (24+). Under such a Node it is imported directly; under an older one (Debian's
// `node` is 20) it re-runs itself with the project's pinned Node (the `node` npm package).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const main = new URL('../src/main.ts', import.meta.url);
if (process.features.typescript) {
  await import(main.href);
} else {
  let pinned;
  try {
    pinned = join(dirname(createRequire(import.meta.url).resolve('node/package.json')), 'bin', 'node');
  } catch {
    process.stderr.write(
      "gatehouse: needs Node 24 or the project's pinned node (npm ci in the repository)\n",
    );
    process.exit(1);
  }
  const run = spawnSync(pinned, [main.pathname, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}
