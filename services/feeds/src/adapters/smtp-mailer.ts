import nodemailer from 'nodemailer';
import type { Mailer } from '../domain/portal-service.ts';

/** Portal mail over SMTP (a real SMTP peer in tests too: the harness runs `smtp-server`). */
export function createSmtpMailer(smtpUrl: string, from: string): Mailer & { close(): void } {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({ from, ...mail });
    },
    close: () => transport.close(),
  };
}
