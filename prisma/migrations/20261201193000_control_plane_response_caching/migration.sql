-- Control plane: WSO2's response caching per API: gateways keep successful GET answers for
-- cache_timeout seconds. Off for every existing API.

-- AlterTable
ALTER TABLE "api" ADD COLUMN "response_caching_enabled" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "cache_timeout" INTEGER NOT NULL DEFAULT 300;
