-- Billing for the product (issue 10): plan trials, promotion codes and archiving, the prices a
-- plan sold at before a price change, the Connect account state's ordering, and the subscriber list.

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "stripe_account_event_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "plans" ADD COLUMN     "allow_promotion_codes" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "archived_at" TIMESTAMPTZ(3),
ADD COLUMN     "trial_days" INTEGER NOT NULL DEFAULT 0;

-- Stripe accepts trial_period_days up to 730.
ALTER TABLE "plans" ADD CONSTRAINT "plans_trial_days_check" CHECK ("trial_days" BETWEEN 0 AND 730);

-- CreateTable
CREATE TABLE "plan_prices" (
    "id" UUID NOT NULL,
    "plan_id" UUID NOT NULL,
    "stripe_price_id" TEXT NOT NULL,
    "amount" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "interval" "plan_interval" NOT NULL,
    "retired_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "plan_prices_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "plan_prices_stripe_price_id_key" ON "plan_prices"("stripe_price_id");

-- CreateIndex
CREATE INDEX "plan_prices_plan_id_idx" ON "plan_prices"("plan_id");

-- CreateIndex
CREATE INDEX "subscribers_tenant_id_id_idx" ON "subscribers"("tenant_id", "id" DESC);

-- AddForeignKey
ALTER TABLE "plan_prices" ADD CONSTRAINT "plan_prices_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE CASCADE ON UPDATE CASCADE;
