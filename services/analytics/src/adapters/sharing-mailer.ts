import nodemailer from 'nodemailer';
import type { ResetMailer } from '../domain/sharing/reset-executor.ts';

/** Listener mail over SMTP, like the feeds portal's (a real SMTP peer in tests too). */
export function createSharingMailer(smtpUrl: string, from: string): ResetMailer & { close(): void } {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({ from, ...mail });
    },
    close: () => transport.close(),
  };
}
