// Offline replacement for `prisma migrate deploy` / `prisma migrate dev --name` that runs the
// wasm schema engine over the pg driver adapter (the CLI would download a native engine).
// Usage: npx node packages/db/scripts/migrate.ts deploy
//        npx node packages/db/scripts/migrate.ts dev --name add_foo
import { parseMigrateArgs, USAGE, UsageError } from '../src/migrations/cli-args.ts';
import {
  createDevMigration,
  defaultMigrationPaths,
  deployMigrations,
  oneLineError,
  parseDatabaseUrl,
} from '../src/migrations/index.ts';
import { takeEnginePanic } from '../src/migrations/schema-engine.ts';

async function main(argv: readonly string[]): Promise<number> {
  let command: ReturnType<typeof parseMigrateArgs>;
  try {
    command = parseMigrateArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`migrate: ${err.message}\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  if (command.kind === 'help') {
    console.log(USAGE);
    return 0;
  }
  const target = parseDatabaseUrl(process.env.DATABASE_URL);
  const debug = process.env.MIGRATE_DEBUG === '1';
  const options = {
    target,
    ...defaultMigrationPaths(),
    ...(debug ? { log: (line: string) => console.error(line) } : {}),
  };
  if (command.kind === 'deploy') {
    const { applied } = await deployMigrations(options);
    console.log(
      applied.length === 0
        ? `migrate: ${target.display} is up to date`
        : `migrate: applied ${applied.length} migration(s) to ${target.display}: ${applied.join(', ')}`,
    );
    return 0;
  }
  const result = await createDevMigration({ ...options, name: command.name });
  for (const name of result.appliedBefore) console.log(`migrate: applied pending ${name}`);
  for (const warning of result.warnings) console.warn(`migrate: warning: ${warning}`);
  console.log(`migrate: created and applied ${result.created} (${result.file})`);
  return 0;
}

// A Rust panic inside the wasm engine surfaces as an uncaught 'unreachable' RuntimeError
// from one of its async tasks, outside any promise we await: report it as one line too.
process.on('uncaughtException', (err) => {
  const panic = takeEnginePanic();
  console.error(`migrate: schema engine failed: ${panic ? oneLineError(panic) : oneLineError(err)}`);
  process.exit(1);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`migrate: ${oneLineError(err)}`);
    process.exitCode = 1;
  },
);
