// Prisma 7 CLI configuration (`prisma generate`, `prisma migrate deploy`).
// The URL is read only when the CLI loads this file, never by application code;
// `prisma generate` needs no database, so an absent DATABASE_URL is allowed here.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  ...(process.env.DATABASE_URL ? { datasource: { url: process.env.DATABASE_URL } } : {}),
});
