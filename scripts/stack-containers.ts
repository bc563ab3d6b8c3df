// The testcontainers option (docs/local-stack.md): Postgres, Redis, NATS, MinIO and
// stripe-mock as containers, nginx and MinIO's audit recorder as the stack's host processes.
// Writes the same `.stack/env` as `stack.sh up`, then stays in the foreground: the containers
// live as long as this process (Ctrl-C or SIGTERM stops them).
//
//   npm run stack:containers            (or: GATEHOUSE_STACK=containers npm test)
import { spawnSync } from 'node:child_process';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { findContainerEngine, noEngineMessage } from '../packages/testkit/src/containers/container-engine.ts';
import {
  containerStackVars,
  renderContainersEnv,
} from '../packages/testkit/src/containers/containers-env.ts';

const root = resolve(import.meta.dirname, '..');
const stackDir = process.env.GATEHOUSE_STACK_DIR ?? resolve(root, '.stack');
const envFile = resolve(stackDir, 'env');
/** Exists while the containers run and `.stack/env` names them; scripts/test.sh waits for it. */
const readyFile = resolve(stackDir, 'containers.ready');
const externalParts = 'postgres redis nats minio stripe-mock';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const engine = await findContainerEngine(process.env);
if (!engine.ok) fail(noEngineMessage(engine.tried));
process.env.DOCKER_HOST ??= engine.dockerHost;

// Host parts first: MinIO's audit webhook posts to the recorder from its first request on.
const host = spawnSync('bash', [resolve(root, 'scripts/stack.sh'), 'up'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, GATEHOUSE_EXTERNAL_PARTS: externalParts },
});
if (host.status !== 0) fail('stack-containers: stack.sh up (nginx, minio-audit) failed (see above)');

// Imported only now: with no engine there is nothing to load.
const { startContainers } = await import('../packages/testkit/src/containers/start-containers.ts');
console.log('stack-containers: starting postgres redis nats minio stripe-mock (first run pulls images)');
let stack: Awaited<ReturnType<typeof startContainers>>;
try {
  stack = await startContainers({
    auditRecorderPort: 52600,
    bucket: 'gatehouse-media',
    region: 'us-east-1',
    stripeSecretKey: 'sk_test_123',
  });
} catch (error) {
  fail(
    `stack-containers: starting containers failed: ${error instanceof Error ? error.message : String(error)}`,
  );
}

const vars = containerStackVars(stack.addresses);
const tmp = `${envFile}.tmp`;
writeFileSync(tmp, renderContainersEnv(readFileSync(envFile, 'utf8'), vars));
renameSync(tmp, envFile);
writeFileSync(readyFile, `${process.pid}\n`);
for (const name of ['DATABASE_URL', 'REDIS_URL', 'NATS_URL', 'S3_ENDPOINT', 'STRIPE_API_PORT']) {
  console.log(
    `  ${name.padEnd(16)} ${name === 'DATABASE_URL' ? vars[name]!.replace(/:[^:@]*@/, ':***@') : vars[name]}`,
  );
}
console.log(`stack-containers: ready; env: ${envFile} — Ctrl-C stops the containers`);

let stopping = false;
const shutdown = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  console.log(`stack-containers: ${signal}, stopping containers`);
  rmSync(readyFile, { force: true });
  stack.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
// Keep the event loop alive until a signal arrives.
setInterval(() => {}, 1 << 30);
