-- WebSub APIs: the hub's verified subscriptions (an application's callback for one topic of a
-- WEBSUB API), with the sealed secret that signs its deliveries and its delivery counts.

-- CreateTable
CREATE TABLE "websub_subscription" (
    "id" UUID NOT NULL,
    "api_id" UUID NOT NULL,
    "application_id" UUID NOT NULL,
    "topic" TEXT NOT NULL,
    "callback" TEXT NOT NULL,
    "secret" TEXT,
    "lease_expires_at" TIMESTAMPTZ(3) NOT NULL,
    "delivered_count" INTEGER NOT NULL DEFAULT 0,
    "failed_count" INTEGER NOT NULL DEFAULT 0,
    "dropped_count" INTEGER NOT NULL DEFAULT 0,
    "last_delivery_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "websub_subscription_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "websub_subscription_application_id_idx" ON "websub_subscription"("application_id");

-- CreateIndex
CREATE UNIQUE INDEX "websub_subscription_api_id_topic_callback_key" ON "websub_subscription"("api_id", "topic", "callback");

-- AddForeignKey
ALTER TABLE "websub_subscription" ADD CONSTRAINT "websub_subscription_api_id_fkey" FOREIGN KEY ("api_id") REFERENCES "api"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "websub_subscription" ADD CONSTRAINT "websub_subscription_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE CASCADE ON UPDATE CASCADE;
