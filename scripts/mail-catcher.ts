// The local platform's mail relay (scripts/platform.sh): a real SMTP server that delivers nowhere and
// appends each message (to, subject, text with its links) to a file, so a creator's sign-in link or a
// subscriber's portal link can be read with `tail .stack/logs/mail.log`. Tests run their own capture.
//
//   node scripts/mail-catcher.ts <smtp-url> <file>
import { appendFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const [smtpUrl, file] = process.argv.slice(2);
if (!smtpUrl || !file) {
  console.error('usage: node scripts/mail-catcher.ts smtp://127.0.0.1:PORT FILE');
  process.exit(2);
}
const url = new URL(smtpUrl);
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, _session, callback) {
    simpleParser(stream)
      .then((mail) => {
        const to = [mail.to ?? []]
          .flat()
          .map((address) => address.text)
          .join(', ');
        appendFileSync(
          file,
          `--- ${new Date().toISOString()}\nto: ${to}\nsubject: ${mail.subject ?? ''}\n\n${(mail.text ?? '').trim()}\n\n`,
        );
        callback();
      })
      .catch(callback);
  },
});
server.on('error', (error) => console.error(`mail-catcher: ${error.message}`));
server.listen(Number(url.port), url.hostname, () =>
  console.log(`mail-catcher: listening on ${smtpUrl}, writing ${file}`),
);
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.on(signal, () => server.close(() => process.exit(0)));
