-- External client registration: a key registered at an external key manager (RFC 7591) keeps the
-- RFC 7592 client configuration endpoint and registration access token (sealed with the key manager
-- secrets key) from the registration answer, so removing the key deletes the client at the provider.

-- AlterTable
ALTER TABLE "application_key" ADD COLUMN "registration_client_uri" TEXT,
ADD COLUMN "registration_access_token" TEXT;
