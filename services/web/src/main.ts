import { fileURLToPath } from 'node:url';
import { checkPostgres, createSmtpMailer } from '@gatehouse/clients';
import { loadConfig } from '@gatehouse/config';
import { createPrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { onShutdown, runMain } from '@gatehouse/observability';
import { sweepExpiredSignIns } from './adapters/expired-sign-in.sweeper.ts';
import { createPublicShowsRepository } from './adapters/public-shows.repository.ts';
import { buildApp } from './app.ts';
import { createPublicShowsService } from './domain/public-shows.service.ts';
import { webConfigSchema } from './web.config.ts';

await runMain('web', async () => {
  const config = loadConfig(webConfigSchema);
  const logger = createLogger({ level: config.LOG_LEVEL, service: 'web' });
  const prisma = createPrismaClient(config.DATABASE_URL, { applicationName: 'gatehouse-web' });
  await checkPostgres(prisma);

  const mailer = createSmtpMailer(config.SMTP_URL, config.MAIL_FROM);

  const app = buildApp({
    logger,
    identity: {
      prisma,
      mailer,
      publicBaseUrl: config.PUBLIC_BASE_URL,
      operatorApiKey: config.OPERATOR_API_KEY,
      signInMailLimit: {
        limit: config.SIGN_IN_MAIL_LIMIT,
        windowSeconds: config.SIGN_IN_MAIL_WINDOW_SECONDS,
      },
      onMailError: (error) => logger.error({ err: error }, 'web: sign-in mail failed'),
    },
    publicShows: createPublicShowsService(createPublicShowsRepository(prisma)),
    uiDir: config.WEB_UI_DIR ?? fileURLToPath(new URL('../ui/dist', import.meta.url)),
    readiness: [{ name: 'postgres', check: () => prisma.$queryRaw`SELECT 1` }],
  });
  await app.listen({ host: config.HOST, port: config.PORT });
  // Ended sessions and old links are deleted hourly (they refuse anyway; this keeps the tables small).
  const sweeper = setInterval(
    () =>
      sweepExpiredSignIns(prisma)
        .then(
          (swept) => swept.sessions + swept.links > 0 && logger.info(swept, 'web: expired sign-ins deleted'),
        )
        .catch((error: unknown) => logger.warn({ err: error }, 'web: sweeping expired sign-ins failed')),
    3600_000,
  );
  sweeper.unref();
  onShutdown(
    async () => {
      clearInterval(sweeper);
      await app.close();
      mailer.close();
      await prisma.$disconnect();
    },
    { graceMs: config.SHUTDOWN_GRACE_MS, log: (message) => logger.info(message) },
  );
});
