import type { PrismaClient } from '@gatehouse/db';

/** Spent links are kept a day after they expire, so "already used" stays a 410 (not a 400) for a while. */
const LINK_KEEP_MS = 24 * 3600 * 1000;

/**
 * Deletes ended creator sessions and long-expired magic links (both only ever refuse after their
 * expiry, so deleting them changes no answer except 410 → 400 for links a day past expiry).
 */
export async function sweepExpiredSignIns(prisma: PrismaClient, now = new Date()) {
  const [sessions, links] = await Promise.all([
    prisma.creatorSession.deleteMany({ where: { expiresAt: { lt: now } } }),
    prisma.creatorMagicLink.deleteMany({
      where: { expiresAt: { lt: new Date(now.getTime() - LINK_KEEP_MS) } },
    }),
  ]);
  return { sessions: sessions.count, links: links.count };
}
