-- CreateEnum
CREATE TYPE "tenant_status" AS ENUM ('active', 'suspended', 'closed');

-- CreateEnum
CREATE TYPE "custom_domain_status" AS ENUM ('pending', 'active', 'failed', 'removing');

-- CreateEnum
CREATE TYPE "episode_type" AS ENUM ('full', 'trailer', 'bonus');

-- CreateEnum
CREATE TYPE "episode_status" AS ENUM ('draft', 'published', 'removed');

-- CreateEnum
CREATE TYPE "episode_visibility" AS ENUM ('public', 'premium');

-- CreateEnum
CREATE TYPE "episode_lifecycle_kind" AS ENUM ('none', 'welcome', 'payment_failed', 'subscription_ended');

-- CreateEnum
CREATE TYPE "storage_driver" AS ENUM ('s3', 'local');

-- CreateEnum
CREATE TYPE "media_asset_status" AS ENUM ('pending', 'uploading', 'ready', 'failed');

-- CreateEnum
CREATE TYPE "plan_interval" AS ENUM ('month', 'year');

-- CreateEnum
CREATE TYPE "credential_rotated_by" AS ENUM ('subscriber', 'creator');

-- CreateEnum
CREATE TYPE "subscription_status" AS ENUM ('incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'paused');

-- CreateTable
CREATE TABLE "tenants" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" "tenant_status" NOT NULL DEFAULT 'active',
    "stripe_account_id" TEXT,
    "past_due_grace_seconds" INTEGER NOT NULL DEFAULT 259200,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tenant_api_keys" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenant_api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "custom_domains" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "hostname" TEXT NOT NULL,
    "status" "custom_domain_status" NOT NULL DEFAULT 'pending',
    "verification_token" TEXT NOT NULL,
    "verified_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "custom_domains_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "shows" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "author" TEXT NOT NULL DEFAULT '',
    "owner_email" TEXT,
    "image_url" TEXT,
    "language" TEXT NOT NULL DEFAULT 'en',
    "itunes_category" TEXT,
    "itunes_subcategory" TEXT,
    "explicit" BOOLEAN NOT NULL DEFAULT false,
    "website_url" TEXT,
    "podcast_guid" UUID NOT NULL,
    "list_premium_teasers" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "shows_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "episodes" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "show_id" UUID NOT NULL,
    "guid" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "season_number" INTEGER,
    "episode_number" INTEGER,
    "episode_type" "episode_type" NOT NULL DEFAULT 'full',
    "status" "episode_status" NOT NULL DEFAULT 'draft',
    "visibility" "episode_visibility" NOT NULL DEFAULT 'premium',
    "published_at" TIMESTAMPTZ(3),
    "early_access_until" TIMESTAMPTZ(3),
    "lifecycle_kind" "episode_lifecycle_kind" NOT NULL DEFAULT 'none',
    "transcript_url" TEXT,
    "transcript_type" TEXT,
    "chapters_url" TEXT,
    "explicit" BOOLEAN,
    "current_media_asset_id" UUID,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "episodes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "media_assets" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "episode_id" UUID NOT NULL,
    "storage_driver" "storage_driver" NOT NULL,
    "object_key" TEXT NOT NULL,
    "original_file_name" TEXT,
    "content_type" TEXT NOT NULL,
    "byte_size" BIGINT,
    "duration_seconds" INTEGER,
    "sha256" TEXT,
    "status" "media_asset_status" NOT NULL DEFAULT 'pending',
    "multipart_upload_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "media_assets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "plans" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "amount" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "interval" "plan_interval" NOT NULL,
    "stripe_product_id" TEXT,
    "stripe_price_id" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "plans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "plan_grants" (
    "id" UUID NOT NULL,
    "plan_id" UUID NOT NULL,
    "show_id" UUID,
    "episode_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "plan_grants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "subscribers" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "stripe_customer_id" TEXT,
    "name" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "subscribers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "access_credentials" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "subscriber_id" UUID NOT NULL,
    "generation" INTEGER NOT NULL DEFAULT 1,
    "rotated_at" TIMESTAMPTZ(3),
    "rotated_by" "credential_rotated_by",
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "access_credentials_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "subscriptions" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "subscriber_id" UUID NOT NULL,
    "plan_id" UUID NOT NULL,
    "stripe_subscription_id" TEXT NOT NULL,
    "status" "subscription_status" NOT NULL,
    "current_period_end" TIMESTAMPTZ(3),
    "cancel_at_period_end" BOOLEAN NOT NULL DEFAULT false,
    "canceled_at" TIMESTAMPTZ(3),
    "past_due_since" TIMESTAMPTZ(3),
    "stripe_event_created" TIMESTAMPTZ(3),
    "version" BIGINT NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "subscriptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "processed_webhooks" (
    "stripe_event_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "account" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_webhooks_pkey" PRIMARY KEY ("stripe_event_id")
);

-- CreateTable
CREATE TABLE "outbox_messages" (
    "id" UUID NOT NULL,
    "subject" TEXT NOT NULL,
    "msg_id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbox_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "magic_links" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "subscriber_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "magic_links_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "portal_sessions" (
    "id_hash" TEXT NOT NULL,
    "tenant_id" UUID NOT NULL,
    "subscriber_id" UUID NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "portal_sessions_pkey" PRIMARY KEY ("id_hash")
);

-- CreateIndex
CREATE UNIQUE INDEX "tenants_slug_key" ON "tenants"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "tenants_stripe_account_id_key" ON "tenants"("stripe_account_id");

-- CreateIndex
CREATE UNIQUE INDEX "tenant_api_keys_prefix_key" ON "tenant_api_keys"("prefix");

-- CreateIndex
CREATE INDEX "tenant_api_keys_tenant_id_idx" ON "tenant_api_keys"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "custom_domains_hostname_key" ON "custom_domains"("hostname");

-- CreateIndex
CREATE INDEX "custom_domains_tenant_id_idx" ON "custom_domains"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "shows_podcast_guid_key" ON "shows"("podcast_guid");

-- CreateIndex
CREATE UNIQUE INDEX "shows_tenant_id_slug_key" ON "shows"("tenant_id", "slug");

-- CreateIndex
CREATE UNIQUE INDEX "episodes_current_media_asset_id_key" ON "episodes"("current_media_asset_id");

-- CreateIndex
CREATE INDEX "episodes_show_id_status_published_at_idx" ON "episodes"("show_id", "status", "published_at" DESC);

-- CreateIndex
CREATE INDEX "episodes_tenant_id_idx" ON "episodes"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "episodes_show_id_guid_key" ON "episodes"("show_id", "guid");

-- CreateIndex
CREATE UNIQUE INDEX "media_assets_object_key_key" ON "media_assets"("object_key");

-- CreateIndex
CREATE INDEX "media_assets_episode_id_idx" ON "media_assets"("episode_id");

-- CreateIndex
CREATE INDEX "media_assets_tenant_id_idx" ON "media_assets"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "plans_stripe_product_id_key" ON "plans"("stripe_product_id");

-- CreateIndex
CREATE UNIQUE INDEX "plans_stripe_price_id_key" ON "plans"("stripe_price_id");

-- CreateIndex
CREATE INDEX "plans_tenant_id_idx" ON "plans"("tenant_id");

-- CreateIndex
CREATE INDEX "plan_grants_show_id_idx" ON "plan_grants"("show_id");

-- CreateIndex
CREATE INDEX "plan_grants_episode_id_idx" ON "plan_grants"("episode_id");

-- CreateIndex
CREATE UNIQUE INDEX "plan_grants_plan_id_show_id_key" ON "plan_grants"("plan_id", "show_id");

-- CreateIndex
CREATE UNIQUE INDEX "plan_grants_plan_id_episode_id_key" ON "plan_grants"("plan_id", "episode_id");

-- CreateIndex
CREATE UNIQUE INDEX "subscribers_tenant_id_email_key" ON "subscribers"("tenant_id", "email");

-- CreateIndex
CREATE UNIQUE INDEX "subscribers_tenant_id_stripe_customer_id_key" ON "subscribers"("tenant_id", "stripe_customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "access_credentials_subscriber_id_key" ON "access_credentials"("subscriber_id");

-- CreateIndex
CREATE INDEX "access_credentials_tenant_id_idx" ON "access_credentials"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "subscriptions_stripe_subscription_id_key" ON "subscriptions"("stripe_subscription_id");

-- CreateIndex
CREATE INDEX "subscriptions_subscriber_id_idx" ON "subscriptions"("subscriber_id");

-- CreateIndex
CREATE INDEX "subscriptions_tenant_id_status_idx" ON "subscriptions"("tenant_id", "status");

-- CreateIndex
CREATE INDEX "subscriptions_plan_id_idx" ON "subscriptions"("plan_id");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_messages_msg_id_key" ON "outbox_messages"("msg_id");

-- CreateIndex
CREATE INDEX "outbox_messages_published_at_next_attempt_at_idx" ON "outbox_messages"("published_at", "next_attempt_at");

-- CreateIndex
CREATE UNIQUE INDEX "magic_links_token_hash_key" ON "magic_links"("token_hash");

-- CreateIndex
CREATE INDEX "magic_links_subscriber_id_idx" ON "magic_links"("subscriber_id");

-- CreateIndex
CREATE INDEX "portal_sessions_subscriber_id_idx" ON "portal_sessions"("subscriber_id");

-- CreateIndex
CREATE INDEX "portal_sessions_expires_at_idx" ON "portal_sessions"("expires_at");

-- AddForeignKey
ALTER TABLE "tenant_api_keys" ADD CONSTRAINT "tenant_api_keys_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "custom_domains" ADD CONSTRAINT "custom_domains_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shows" ADD CONSTRAINT "shows_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "episodes" ADD CONSTRAINT "episodes_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "episodes" ADD CONSTRAINT "episodes_show_id_fkey" FOREIGN KEY ("show_id") REFERENCES "shows"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "episodes" ADD CONSTRAINT "episodes_current_media_asset_id_fkey" FOREIGN KEY ("current_media_asset_id") REFERENCES "media_assets"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "media_assets" ADD CONSTRAINT "media_assets_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "media_assets" ADD CONSTRAINT "media_assets_episode_id_fkey" FOREIGN KEY ("episode_id") REFERENCES "episodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plans" ADD CONSTRAINT "plans_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plan_grants" ADD CONSTRAINT "plan_grants_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plan_grants" ADD CONSTRAINT "plan_grants_show_id_fkey" FOREIGN KEY ("show_id") REFERENCES "shows"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plan_grants" ADD CONSTRAINT "plan_grants_episode_id_fkey" FOREIGN KEY ("episode_id") REFERENCES "episodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscribers" ADD CONSTRAINT "subscribers_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "access_credentials" ADD CONSTRAINT "access_credentials_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "access_credentials" ADD CONSTRAINT "access_credentials_subscriber_id_fkey" FOREIGN KEY ("subscriber_id") REFERENCES "subscribers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_subscriber_id_fkey" FOREIGN KEY ("subscriber_id") REFERENCES "subscribers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "magic_links" ADD CONSTRAINT "magic_links_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "magic_links" ADD CONSTRAINT "magic_links_subscriber_id_fkey" FOREIGN KEY ("subscriber_id") REFERENCES "subscribers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "portal_sessions" ADD CONSTRAINT "portal_sessions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "portal_sessions" ADD CONSTRAINT "portal_sessions_subscriber_id_fkey" FOREIGN KEY ("subscriber_id") REFERENCES "subscribers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Constraints the Prisma schema cannot express (Prisma's diff does not track check
-- constraints, so later migrations leave them alone).

-- A grant names a whole show or a single episode, never both, never neither.
ALTER TABLE "plan_grants" ADD CONSTRAINT "plan_grants_one_target_check" CHECK (num_nonnulls("show_id", "episode_id") = 1);

-- E-mail and host names are compared case-insensitively: store them lower-cased.
ALTER TABLE "subscribers" ADD CONSTRAINT "subscribers_email_lower_check" CHECK ("email" = lower("email"));
ALTER TABLE "custom_domains" ADD CONSTRAINT "custom_domains_hostname_lower_check" CHECK ("hostname" = lower("hostname"));

ALTER TABLE "plans" ADD CONSTRAINT "plans_amount_check" CHECK ("amount" >= 0);
ALTER TABLE "plans" ADD CONSTRAINT "plans_currency_check" CHECK ("currency" ~ '^[a-z]{3}$');
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_past_due_grace_check" CHECK ("past_due_grace_seconds" >= 0);
ALTER TABLE "access_credentials" ADD CONSTRAINT "access_credentials_generation_check" CHECK ("generation" >= 1);
ALTER TABLE "media_assets" ADD CONSTRAINT "media_assets_byte_size_check" CHECK ("byte_size" IS NULL OR "byte_size" >= 0);
ALTER TABLE "media_assets" ADD CONSTRAINT "media_assets_sha256_check" CHECK ("sha256" IS NULL OR "sha256" ~ '^[0-9a-f]{64}$');
ALTER TABLE "outbox_messages" ADD CONSTRAINT "outbox_messages_attempts_check" CHECK ("attempts" >= 0);
