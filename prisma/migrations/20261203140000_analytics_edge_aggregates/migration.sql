-- Gateways aggregate analytics per minute and ship rollup rows, not one record per request: the
-- per-minute rollup gains the dimensions they aggregate by (resource, method, key type, status
-- class, error code; '' or 0 for none, so they can be part of the key), and the batches merged are
-- remembered by id so that a batch delivered twice adds nothing.

-- AlterTable
ALTER TABLE "analytics_minute" ADD COLUMN     "resource_template" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "method" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "key_type" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "status_class" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "error_code" TEXT NOT NULL DEFAULT '';

ALTER TABLE "analytics_minute" DROP CONSTRAINT "analytics_minute_pkey",
ADD CONSTRAINT "analytics_minute_pkey" PRIMARY KEY ("minute", "api_id", "application_id", "resource_template", "method", "key_type", "status_class", "error_code");

-- CreateTable
CREATE TABLE "analytics_batch" (
    "batch_id" TEXT NOT NULL,
    "gateway_id" TEXT NOT NULL,
    "sample_rate" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "applied_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "analytics_batch_pkey" PRIMARY KEY ("batch_id")
);

-- CreateIndex
CREATE INDEX "analytics_batch_applied_at_idx" ON "analytics_batch"("applied_at");
