-- CreateTable
CREATE TABLE "analytics_listens" (
    "tenant_id" UUID NOT NULL,
    "episode_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "listener_key" TEXT NOT NULL,
    "app" TEXT NOT NULL,
    "tier" TEXT NOT NULL,
    "threshold_bytes" BIGINT NOT NULL,
    "covered" JSONB NOT NULL DEFAULT '[]',
    "first_at" TIMESTAMPTZ(3) NOT NULL,
    "counted_at" TIMESTAMPTZ(3),

    CONSTRAINT "analytics_listens_pkey" PRIMARY KEY ("episode_id","day","listener_key")
);

-- CreateTable
CREATE TABLE "analytics_cursors" (
    "consumer" TEXT NOT NULL,
    "stream_seq" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "analytics_cursors_pkey" PRIMARY KEY ("consumer")
);

-- CreateIndex
CREATE INDEX "analytics_listens_tenant_id_day_idx" ON "analytics_listens"("tenant_id", "day");
