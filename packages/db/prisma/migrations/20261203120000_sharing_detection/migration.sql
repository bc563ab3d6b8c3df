-- Sharing detection (services/analytics/src/domain/sharing; docs/analytics.md "Sharing detection").

-- A suspended subscriber's access snapshot grants nothing (@gatehouse/access-snapshot).
ALTER TABLE "subscribers" ADD COLUMN "suspended_at" TIMESTAMPTZ(3);

CREATE TYPE "sharing_policy" AS ENUM ('alert', 'alert+reset', 'suspend');
CREATE TYPE "sharing_alert_status" AS ENUM ('open', 'dismissed', 'resolved', 'superseded');
CREATE TYPE "sharing_action_kind" AS ENUM ('reset', 'suspend');
CREATE TYPE "sharing_action_state" AS ENUM ('pending', 'rotated', 'done', 'failed');

CREATE TABLE "sharing_settings" (
    "tenant_id" UUID NOT NULL,
    "window_hours" INTEGER NOT NULL,
    "min_networks" INTEGER NOT NULL,
    "min_apps" INTEGER NOT NULL,
    "max_episode_downloads" INTEGER NOT NULL,
    "growth_percent" INTEGER NOT NULL,
    "policy" "sharing_policy" NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "sharing_settings_pkey" PRIMARY KEY ("tenant_id")
);

CREATE TABLE "sharing_windows" (
    "subscriber_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "state" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "sharing_windows_pkey" PRIMARY KEY ("subscriber_id")
);

CREATE TABLE "sharing_alerts" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "subscriber_id" UUID NOT NULL,
    "status" "sharing_alert_status" NOT NULL DEFAULT 'open',
    "reasons" TEXT[],
    "networks" INTEGER NOT NULL,
    "apps" INTEGER NOT NULL,
    "episode_downloads" INTEGER NOT NULL,
    "evidence" JSONB NOT NULL,
    "trigger_record_id" TEXT NOT NULL,
    "supersedes" UUID,
    "first_seen" TIMESTAMPTZ(3) NOT NULL,
    "last_seen" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_at" TIMESTAMPTZ(3),
    CONSTRAINT "sharing_alerts_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "sharing_actions" (
    "alert_id" UUID NOT NULL,
    "kind" "sharing_action_kind" NOT NULL,
    "tenant_id" UUID NOT NULL,
    "subscriber_id" UUID NOT NULL,
    "requested_by" TEXT NOT NULL,
    "state" "sharing_action_state" NOT NULL DEFAULT 'pending',
    "from_generation" INTEGER,
    "generation" INTEGER,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),
    CONSTRAINT "sharing_actions_pkey" PRIMARY KEY ("alert_id", "kind")
);

CREATE INDEX "sharing_alerts_tenant_id_created_at_idx" ON "sharing_alerts"("tenant_id", "created_at");
CREATE INDEX "sharing_alerts_subscriber_id_status_idx" ON "sharing_alerts"("subscriber_id", "status");
-- One open alert per subscriber, enforced by the database as well as by the detector.
CREATE UNIQUE INDEX "sharing_alerts_one_open_per_subscriber" ON "sharing_alerts"("subscriber_id") WHERE "status" = 'open';
CREATE INDEX "sharing_actions_state_next_attempt_at_idx" ON "sharing_actions"("state", "next_attempt_at");

ALTER TABLE "sharing_settings" ADD CONSTRAINT "sharing_settings_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "sharing_windows" ADD CONSTRAINT "sharing_windows_subscriber_id_fkey" FOREIGN KEY ("subscriber_id") REFERENCES "subscribers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "sharing_alerts" ADD CONSTRAINT "sharing_alerts_subscriber_id_fkey" FOREIGN KEY ("subscriber_id") REFERENCES "subscribers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "sharing_actions" ADD CONSTRAINT "sharing_actions_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "sharing_alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
