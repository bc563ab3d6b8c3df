import { randomBytes } from 'node:crypto';
import { link, readFile, rm, writeFile } from 'node:fs/promises';

const INSTANCE = /^[0-9a-f]{32}$/;

/**
 * Which edge wrote a records log, for record ids (record-id.ts): a random id kept in a file beside
 * the log, made by the first shipper that reads it. It lives as long as the log does — a
 * restarted shipper, or another pod that mounts the same volume, derives the same ids from the
 * same lines — and a fresh log volume (a new edge pod's emptyDir) gets a new one.
 */
export async function edgeInstance(file: string): Promise<string> {
  const existing = await read(file);
  if (existing !== undefined) return existing;
  // Written beside and hard-linked in place: link refuses an existing name, so two shippers
  // starting at once both end with whichever id landed first, and none reads a half-written file.
  const candidate = randomBytes(16).toString('hex');
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${candidate}\n`);
  try {
    await link(tmp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(tmp, { force: true });
  }
  const written = await read(file);
  if (written === undefined) throw new Error(`edge instance file ${file} vanished`);
  return written;
}

async function read(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const value = text.trim();
  if (!INSTANCE.test(value))
    throw new Error(`edge instance file ${file} is malformed: ${value.slice(0, 40)}`);
  return value;
}
