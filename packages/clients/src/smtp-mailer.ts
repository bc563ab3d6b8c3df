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

/** Mail over SMTP from a fixed sender (a real SMTP peer in tests too: the harnesses run `smtp-server`). */
export function createSmtpMailer(smtpUrl: string, from: string): SmtpMailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({ from, ...mail });
    },
    close: () => transport.close(),
  };
}
