import type { PrismaClient } from '@gatehouse/db';
import type { ConsumeResult, MagicLinkStore } from '@gatehouse/sign-in';

/** Postgres `creator_magic_links` (subject: the user id) as a `MagicLinkStore`. */
export function createCreatorMagicLinkStore(prisma: PrismaClient): MagicLinkStore<string> {
  return {
    async create(link) {
      await prisma.creatorMagicLink.create({
        data: { tokenHash: link.tokenHash, userId: link.subject, expiresAt: link.expiresAt },
      });
    },
    async consume(tokenHash, now): Promise<ConsumeResult<string>> {
      // One conditional UPDATE: two clicks racing cannot both sign in.
      const spent = await prisma.creatorMagicLink.updateMany({
        where: { tokenHash, usedAt: null, expiresAt: { gt: now } },
        data: { usedAt: now },
      });
      const link = await prisma.creatorMagicLink.findUnique({
        where: { tokenHash },
        select: { userId: true },
      });
      if (!link) return { ok: false, reason: 'unknown' };
      return spent.count === 1 ? { ok: true, subject: link.userId } : { ok: false, reason: 'spent' };
    },
  };
}
