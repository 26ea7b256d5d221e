-- The last 4 characters of each issued API key, shown in the application's key list so a developer
-- can tell keys apart without the key being kept; NULL for keys issued before.

-- AlterTable
ALTER TABLE "api_key" ADD COLUMN "last_characters" TEXT;
