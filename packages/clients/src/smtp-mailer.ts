import { errors } from '@gatehouse/errors';
import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface SmtpMailer {
  send(mail: MailMessage): Promise<void>;
  close(): void;
}

/**
 * How long one mail may wait on the relay. nodemailer waits up to 2 min for a connection and
 * 10 min on a silent socket by default, so a sign-in request hung (over 20 s seen) while the
 * relay was down; a relay on the same network greets within milliseconds.
 */
export const SMTP_TIMEOUTS_MS = { connection: 5_000, greeting: 5_000, socket: 15_000, dns: 5_000 } as const;

/**
 * Mail over SMTP from a fixed sender (a real SMTP peer in tests too: the harnesses run
 * `smtp-server`). A relay that cannot be reached or does not answer in time is a 503
 * DEPENDENCY_UNAVAILABLE ("mail unavailable"), so the page says to try again instead of waiting.
 */
export function createSmtpMailer(smtpUrl: string, from: string): SmtpMailer {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: SMTP_TIMEOUTS_MS.connection,
    greetingTimeout: SMTP_TIMEOUTS_MS.greeting,
    socketTimeout: SMTP_TIMEOUTS_MS.socket,
    dnsTimeout: SMTP_TIMEOUTS_MS.dns,
  });
  return {
    async send(mail) {
      try {
        await transport.sendMail({ from, ...mail });
      } catch (error) {
        throw errors.dependencyUnavailable('mail', error);
      }
    },
    close: () => transport.close(),
  };
}
