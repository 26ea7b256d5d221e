-- Control plane: a client certificate's key type (WSO2 4.x): callers presenting it reach the API's
-- production or sandbox endpoints. Existing certificates stay PRODUCTION, as they were served.

-- AlterTable
ALTER TABLE "api_client_certificate" ADD COLUMN "key_type" "KeyType" NOT NULL DEFAULT 'PRODUCTION';
