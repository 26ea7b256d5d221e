-- Message counts of WebSocket connections and event streams: per event (NULL for plain requests),
-- and summed in the rollups with the number of connections they came from.

-- AlterTable
ALTER TABLE "analytics_event" ADD COLUMN     "messages_in" INTEGER,
ADD COLUMN     "messages_out" INTEGER;

-- AlterTable
ALTER TABLE "analytics_minute" ADD COLUMN     "connection_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "messages_in" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "messages_out" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "analytics_hour" ADD COLUMN     "connection_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "messages_in" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "messages_out" BIGINT NOT NULL DEFAULT 0;
