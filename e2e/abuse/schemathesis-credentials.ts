import { createPrismaClient } from '@gatehouse/db';
import { createTenantWithApiKey } from '@gatehouse/tenant-keys';
import { stackEnv, uniqueId } from '@gatehouse/testkit';
import { E2E_INTERNAL_API_TOKEN } from '../support/e2e-secrets.ts';

// Credentials for scripts/schemathesis.sh, so generated requests get past the 401/403 gate and reach
// the handlers: a throwaway tenant (its own slug, so fuzzed shows and plans land nowhere else) with
// an API key for media and billing, and the internal token the services of this run hold (the same
// resolution as startPlatform's, e2e-secrets.ts). Prints shell assignments on stdout:
//   SCHEMATHESIS_API_KEY=…  SCHEMATHESIS_INTERNAL_TOKEN=…
const prisma = createPrismaClient(stackEnv().databaseUrl, { poolSize: 1 });
try {
  const { apiKey } = await createTenantWithApiKey(prisma, {
    slug: uniqueId('schemathesis'),
    name: 'Schemathesis fuzzing tenant',
  });
  process.stdout.write(
    `SCHEMATHESIS_API_KEY=${apiKey}\nSCHEMATHESIS_INTERNAL_TOKEN=${E2E_INTERNAL_API_TOKEN}\n`,
  );
} finally {
  await prisma.$disconnect();
}
