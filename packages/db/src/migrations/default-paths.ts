import { fileURLToPath } from 'node:url';
import type { MigrationPaths } from './migration-runner.ts';

/** The package's own schema and migrations folder, wherever the repo is checked out. */
export function defaultMigrationPaths(): MigrationPaths {
  return {
    migrationsDir: fileURLToPath(new URL('../../prisma/migrations', import.meta.url)),
    schemaPath: fileURLToPath(new URL('../../prisma/schema.prisma', import.meta.url)),
  };
}
