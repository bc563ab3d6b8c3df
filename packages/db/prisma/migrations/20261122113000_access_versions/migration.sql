-- AlterTable: per-subscriber access version (SubscriberAccess.version), bumped by billing in
-- every transaction that changes the subscriber's access.
ALTER TABLE "subscribers" ADD COLUMN "access_version" BIGINT NOT NULL DEFAULT 0;

-- AlterTable: per-plan grants version (PlanGrants.version).
ALTER TABLE "plans" ADD COLUMN "grants_version" BIGINT NOT NULL DEFAULT 1;
