/** The one Prisma method this needs; a PrismaClient satisfies it (no Prisma import here). */
export interface RawQueryClient {
  $queryRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<unknown>;
}

/**
 * Fails a service's start when Postgres does not answer (Prisma connects lazily, so without this
 * the first request would be the one to find out). The rejection is one line.
 */
export async function checkPostgres(prisma: RawQueryClient): Promise<void> {
  try {
    await prisma.$queryRaw`SELECT 1`;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Postgres unreachable (${reason.split('\n')[0]})`);
  }
}
