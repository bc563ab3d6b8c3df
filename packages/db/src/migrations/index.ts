// Programmatic migrations (offline, wasm schema engine): used by scripts/migrate.ts and by
// tests that need a freshly migrated database. Not exported from the package root so
// services do not load the engine.

export type { DatabaseTarget } from './database-url.ts';
export { DatabaseUrlError, parseDatabaseUrl, withDatabase } from './database-url.ts';
export { defaultMigrationPaths } from './default-paths.ts';
export type { DeployResult, DevResult, MigrationPaths, RunnerOptions } from './migration-runner.ts';
export { createDevMigration, deployMigrations, MigrationError, oneLineError } from './migration-runner.ts';
