-- Control plane: client certificates of APIs secured with mutual TLS (WSO2's `mutualssl`), each with
-- the subscription tier that throttles the callers presenting it.

-- CreateTable
CREATE TABLE "api_client_certificate" (
    "id" UUID NOT NULL,
    "api_id" UUID NOT NULL,
    "alias" TEXT NOT NULL,
    "certificate" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "tier" TEXT NOT NULL,
    "not_before" TIMESTAMPTZ(3) NOT NULL,
    "not_after" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "api_client_certificate_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_client_certificate_api_id_alias_key" ON "api_client_certificate"("api_id", "alias");

-- CreateIndex
CREATE UNIQUE INDEX "api_client_certificate_api_id_fingerprint_key" ON "api_client_certificate"("api_id", "fingerprint");

-- AddForeignKey
ALTER TABLE "api_client_certificate" ADD CONSTRAINT "api_client_certificate_api_id_fkey" FOREIGN KEY ("api_id") REFERENCES "api"("id") ON DELETE CASCADE ON UPDATE CASCADE;
