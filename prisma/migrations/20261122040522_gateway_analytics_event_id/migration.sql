-- Gateway analytics: every event carries the id its gateway gave it, so that storing a batch again
-- (a BullMQ retry, or a gateway re-sending a batch whose hand-over it could not confirm) inserts
-- nothing twice. Events stored before this migration get an id of their own.

-- AlterTable
ALTER TABLE "analytics_event" ADD COLUMN "event_id" UUID NOT NULL DEFAULT gen_random_uuid();

-- CreateIndex
CREATE UNIQUE INDEX "analytics_event_event_id_key" ON "analytics_event"("event_id");
