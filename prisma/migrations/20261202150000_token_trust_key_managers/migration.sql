-- Token trust: applications hold keys of any key manager (the resident one or an external OpenID
-- provider), so a consumer key is unique per key manager and need not be a resident OAuth client;
-- key managers gain introspection, token and registration endpoints and a preset type; APIs say
-- whose tokens they accept (WSO2's keyManagers, "all" for every existing API).

-- DropForeignKey
ALTER TABLE "application_key" DROP CONSTRAINT "application_key_consumer_key_fkey";

-- DropIndex
DROP INDEX "application_key_consumer_key_key";

-- AlterTable
ALTER TABLE "application_key" ADD COLUMN "mapped" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE UNIQUE INDEX "application_key_key_manager_consumer_key_key" ON "application_key"("key_manager", "consumer_key");

-- AlterTable
ALTER TABLE "trusted_issuer" ADD COLUMN "type" TEXT NOT NULL DEFAULT 'custom',
ADD COLUMN "introspection_endpoint" TEXT,
ADD COLUMN "introspection_client_id" TEXT,
ADD COLUMN "introspection_client_secret" TEXT,
ADD COLUMN "token_endpoint" TEXT,
ADD COLUMN "registration_endpoint" TEXT,
ADD COLUMN "registration_token" TEXT;

-- AlterTable
ALTER TABLE "api" ADD COLUMN "key_managers" TEXT[] DEFAULT ARRAY['all']::TEXT[];
