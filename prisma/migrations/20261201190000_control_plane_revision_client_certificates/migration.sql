-- Control plane: a revision keeps the API's client certificates (PEMs included) so that restoring it
-- puts them back, as WSO2 4.x does; they stay out of the snapshot that gateways receive. Revisions
-- taken before this migration keep null: restoring one leaves the certificates as they are.

-- AlterTable
ALTER TABLE "api_revision" ADD COLUMN "client_certificates" JSONB;
