export {
  type BillingRotationClient,
  createBillingRotationClient,
  type RotatedBy,
} from './billing-rotation.client.ts';
export { connectNats } from './nats-client.ts';
export { checkPostgres, type RawQueryClient } from './postgres-check.ts';
export { type ConnectionLogger, connectRedis } from './redis-client.ts';
export { createSmtpMailer, type MailMessage, type SmtpMailer } from './smtp-mailer.ts';
