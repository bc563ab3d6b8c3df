import { open, stat } from 'node:fs/promises';

/** A mail as the page tests read it (from a real SMTP capture or the platform's mail catcher file). */
export interface CapturedMail {
  to?: unknown;
  subject?: string;
  text?: string;
}

export interface MailCapture {
  messages: CapturedMail[];
  /** The next message to `to` (already received or arriving within the timeout). */
  waitFor(to: string, timeoutMs?: number): Promise<CapturedMail>;
  close(): Promise<void>;
}

/**
 * The running platform's mail: scripts/platform.sh starts a mail catcher (scripts/mail-catcher.ts)
 * on its SMTP port that appends every message to a file (`--- <time>\nto: …\nsubject: …\n\n<text>`).
 * The tests read what arrives after they start, so they see the mail the web service really sent.
 */
export async function followMailLog(file: string): Promise<MailCapture> {
  let offset = (await stat(file).catch(() => ({ size: 0 }))).size;
  const messages: CapturedMail[] = [];
  const readNew = async () => {
    const handle = await open(file, 'r').catch(() => null);
    if (!handle) return;
    try {
      const { size } = await handle.stat();
      if (size <= offset) return;
      const buffer = Buffer.alloc(size - offset);
      await handle.read(buffer, 0, buffer.length, offset);
      offset = size;
      // The catcher appends each message with one write, so a read never ends inside a message.
      for (const entry of buffer.toString('utf8').split(/^--- \S+\n/m))
        if (entry.trim()) messages.push(parseEntry(entry));
    } finally {
      await handle.close();
    }
  };
  return {
    messages,
    async waitFor(to, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await readNew();
        const found = messages.find((mail) => JSON.stringify(mail.to).includes(to));
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms in ${file}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    close: async () => {},
  };
}

function parseEntry(entry: string): CapturedMail {
  const [head = '', ...body] = entry.split('\n\n');
  const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(head)?.[1] ?? '';
  return { to: field('to'), subject: field('subject'), text: body.join('\n\n').trim() };
}
