-- CreateEnum
CREATE TYPE "ApiLifecycleStatus" AS ENUM ('CREATED', 'PROTOTYPED', 'PUBLISHED', 'BLOCKED', 'DEPRECATED', 'RETIRED');

-- CreateEnum
CREATE TYPE "ApiVisibility" AS ENUM ('PUBLIC', 'PRIVATE', 'RESTRICTED');

-- CreateEnum
CREATE TYPE "HttpVerb" AS ENUM ('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS');

-- CreateEnum
CREATE TYPE "ApplicationStatus" AS ENUM ('CREATED', 'APPROVED', 'REJECTED');

-- CreateEnum
CREATE TYPE "TokenType" AS ENUM ('JWT', 'OPAQUE');

-- CreateEnum
CREATE TYPE "KeyType" AS ENUM ('PRODUCTION', 'SANDBOX');

-- CreateEnum
CREATE TYPE "SubscriptionStatus" AS ENUM ('UNBLOCKED', 'ON_HOLD', 'BLOCKED', 'PROD_ONLY_BLOCKED', 'REJECTED');

-- CreateEnum
CREATE TYPE "PolicyType" AS ENUM ('SUBSCRIPTION', 'APPLICATION', 'ADVANCED');

-- CreateEnum
CREATE TYPE "QuotaType" AS ENUM ('REQUESTCOUNT', 'BANDWIDTH', 'UNLIMITED');

-- CreateEnum
CREATE TYPE "DenyConditionType" AS ENUM ('API', 'APPLICATION', 'USER', 'IP', 'IPRANGE');

-- CreateEnum
CREATE TYPE "WorkflowType" AS ENUM ('APPLICATION_CREATION', 'SUBSCRIPTION_CREATION', 'SUBSCRIPTION_UPDATE');

-- CreateEnum
CREATE TYPE "WorkflowStatus" AS ENUM ('CREATED', 'APPROVED', 'REJECTED');

-- CreateTable
CREATE TABLE "user_account" (
    "id" UUID NOT NULL,
    "username" TEXT NOT NULL,
    "email" TEXT,
    "display_name" TEXT,
    "password_hash" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "failed_logins" INTEGER NOT NULL DEFAULT 0,
    "locked_until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "user_account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "role" (
    "name" TEXT NOT NULL,
    "description" TEXT,
    "built_in" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "role_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "user_role" (
    "user_id" UUID NOT NULL,
    "role_name" TEXT NOT NULL,
    CONSTRAINT "user_role_pkey" PRIMARY KEY ("user_id", "role_name")
);

-- CreateTable
CREATE TABLE "scope" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "display_name" TEXT,
    "description" TEXT,
    "roles" TEXT[],
    "api_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "scope_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "context" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "description" TEXT,
    "provider_id" UUID NOT NULL,
    "lifecycle_status" "ApiLifecycleStatus" NOT NULL DEFAULT 'CREATED',
    "visibility" "ApiVisibility" NOT NULL DEFAULT 'PUBLIC',
    "visible_roles" TEXT[],
    "tags" TEXT[],
    "is_default_version" BOOLEAN NOT NULL DEFAULT false,
    "endpoint_config" JSONB NOT NULL,
    "security_schemes" TEXT[],
    "authorization_header" TEXT,
    "api_key_header" TEXT,
    "cors_config" JSONB,
    "subscription_policies" TEXT[],
    "api_throttling_policy" TEXT,
    "max_tps" JSONB,
    "business_information" JSONB,
    "enable_schema_validation" BOOLEAN NOT NULL DEFAULT false,
    "mediation_policies" JSONB,
    "definition" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "api_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_operation" (
    "id" UUID NOT NULL,
    "api_id" UUID NOT NULL,
    "verb" "HttpVerb" NOT NULL,
    "target" TEXT NOT NULL,
    "auth_enabled" BOOLEAN NOT NULL DEFAULT true,
    "scopes" TEXT[],
    "throttling_policy" TEXT,
    "operation_policies" JSONB,
    "position" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "api_operation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_revision" (
    "id" UUID NOT NULL,
    "api_id" UUID NOT NULL,
    "revision_number" INTEGER NOT NULL,
    "description" TEXT,
    "snapshot" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "api_revision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gateway_environment" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "description" TEXT,
    "type" TEXT NOT NULL DEFAULT 'hybrid',
    "vhosts" JSONB NOT NULL,
    "is_read_only" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "gateway_environment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "revision_deployment" (
    "id" UUID NOT NULL,
    "api_id" UUID NOT NULL,
    "revision_id" UUID NOT NULL,
    "environment_id" UUID NOT NULL,
    "vhost" TEXT NOT NULL,
    "display_on_devportal" BOOLEAN NOT NULL DEFAULT true,
    "deployed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "revision_deployment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "application" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "owner_id" UUID NOT NULL,
    "description" TEXT,
    "throttling_policy" TEXT NOT NULL,
    "token_type" "TokenType" NOT NULL DEFAULT 'JWT',
    "status" "ApplicationStatus" NOT NULL DEFAULT 'APPROVED',
    "attributes" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "application_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "application_key" (
    "id" UUID NOT NULL,
    "application_id" UUID NOT NULL,
    "key_type" "KeyType" NOT NULL,
    "key_manager" TEXT NOT NULL DEFAULT 'Resident Key Manager',
    "consumer_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "application_key_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_key" (
    "id" UUID NOT NULL,
    "application_id" UUID NOT NULL,
    "key_type" "KeyType" NOT NULL,
    "token_id" TEXT NOT NULL,
    "permitted_ips" TEXT[],
    "permitted_referers" TEXT[],
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "api_key_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "subscription" (
    "id" UUID NOT NULL,
    "application_id" UUID NOT NULL,
    "api_id" UUID NOT NULL,
    "throttling_policy" TEXT NOT NULL,
    "requested_throttling_policy" TEXT,
    "status" "SubscriptionStatus" NOT NULL DEFAULT 'UNBLOCKED',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "subscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "throttling_policy" (
    "id" UUID NOT NULL,
    "type" "PolicyType" NOT NULL,
    "name" TEXT NOT NULL,
    "display_name" TEXT,
    "description" TEXT,
    "quota_type" "QuotaType" NOT NULL,
    "request_count" INTEGER,
    "data_amount" INTEGER,
    "data_unit" TEXT,
    "unit_time" INTEGER NOT NULL DEFAULT 1,
    "time_unit" TEXT NOT NULL DEFAULT 'min',
    "rate_limit_count" INTEGER,
    "rate_limit_time_unit" TEXT,
    "stop_on_quota_reach" BOOLEAN NOT NULL DEFAULT true,
    "billing_plan" TEXT NOT NULL DEFAULT 'FREE',
    "custom_attributes" JSONB,
    "built_in" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "throttling_policy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "conditional_group" (
    "id" UUID NOT NULL,
    "policy_id" UUID NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "description" TEXT,
    "conditions" JSONB NOT NULL,
    "quota_type" "QuotaType" NOT NULL,
    "request_count" INTEGER,
    "data_amount" INTEGER,
    "data_unit" TEXT,
    "unit_time" INTEGER NOT NULL DEFAULT 1,
    "time_unit" TEXT NOT NULL DEFAULT 'min',
    CONSTRAINT "conditional_group_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "deny_policy" (
    "id" UUID NOT NULL,
    "condition_type" "DenyConditionType" NOT NULL,
    "condition_value" JSONB NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "deny_policy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trusted_issuer" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "display_name" TEXT,
    "description" TEXT,
    "issuer" TEXT NOT NULL,
    "discovery_url" TEXT,
    "jwks_url" TEXT,
    "audience" TEXT,
    "algorithms" TEXT[],
    "claim_mappings" JSONB NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "trusted_issuer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "oauth_client" (
    "client_id" TEXT NOT NULL,
    "client_secret_hash" TEXT,
    "metadata" JSONB NOT NULL,
    "allow_password_grant" BOOLEAN NOT NULL DEFAULT false,
    "access_token_ttl" INTEGER NOT NULL DEFAULT 3600,
    "secret_rotated_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "oauth_client_pkey" PRIMARY KEY ("client_id")
);

-- CreateTable
CREATE TABLE "oidc_payload" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "grant_id" TEXT,
    "user_code" TEXT,
    "uid" TEXT,
    "expires_at" TIMESTAMPTZ(3),
    "consumed_at" TIMESTAMPTZ(3),
    CONSTRAINT "oidc_payload_pkey" PRIMARY KEY ("id", "type")
);

-- CreateTable
CREATE TABLE "signing_key" (
    "kid" TEXT NOT NULL,
    "alg" TEXT NOT NULL,
    "public_jwk" JSONB NOT NULL,
    "private_jwk_encrypted" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activates_at" TIMESTAMPTZ(3) NOT NULL,
    "retired_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    CONSTRAINT "signing_key_pkey" PRIMARY KEY ("kid")
);

-- CreateTable
CREATE TABLE "revoked_token" (
    "jti" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "revoked_token_pkey" PRIMARY KEY ("jti")
);

-- CreateTable
CREATE TABLE "revoked_client" (
    "client_id" TEXT NOT NULL,
    "revoked_before" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "revoked_client_pkey" PRIMARY KEY ("client_id")
);

-- CreateTable
CREATE TABLE "workflow" (
    "id" UUID NOT NULL,
    "type" "WorkflowType" NOT NULL,
    "status" "WorkflowStatus" NOT NULL DEFAULT 'CREATED',
    "reference_id" UUID NOT NULL,
    "created_by_id" UUID,
    "properties" JSONB,
    "comment" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),
    CONSTRAINT "workflow_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "system_setting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "system_setting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "gateway_event" (
    "id" BIGSERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "gateway_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "analytics_event" (
    "id" BIGSERIAL NOT NULL,
    "request_timestamp" TIMESTAMPTZ(3) NOT NULL,
    "correlation_id" TEXT NOT NULL,
    "gateway_id" TEXT,
    "api_id" TEXT,
    "api_name" TEXT,
    "api_version" TEXT,
    "api_context" TEXT,
    "api_resource_template" TEXT,
    "api_method" TEXT NOT NULL,
    "application_id" TEXT,
    "application_name" TEXT,
    "key_type" TEXT,
    "user_name" TEXT,
    "proxy_response_code" INTEGER NOT NULL,
    "target_response_code" INTEGER,
    "response_cache_hit" BOOLEAN NOT NULL DEFAULT false,
    "backend_latency" INTEGER,
    "request_mediation_latency" INTEGER,
    "response_mediation_latency" INTEGER,
    "response_latency" INTEGER NOT NULL,
    "error_code" TEXT,
    "error_type" TEXT,
    "user_agent" TEXT,
    "user_ip" TEXT,
    CONSTRAINT "analytics_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "analytics_minute" (
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "api_id" TEXT NOT NULL,
    "application_id" TEXT NOT NULL,
    "request_count" INTEGER NOT NULL DEFAULT 0,
    "error_count" INTEGER NOT NULL DEFAULT 0,
    "throttled_count" INTEGER NOT NULL DEFAULT 0,
    "latency_sum_ms" BIGINT NOT NULL DEFAULT '0',
    "latency_max_ms" INTEGER NOT NULL DEFAULT 0,
    "latency_buckets" INTEGER[],
    CONSTRAINT "analytics_minute_pkey" PRIMARY KEY ("minute", "api_id", "application_id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_id" UUID,
    "actor_name" TEXT,
    "action" TEXT NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_id" TEXT,
    "details" JSONB,
    "source_ip" TEXT,
    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "user_account_username_key" ON "user_account"("username");

-- CreateIndex
CREATE UNIQUE INDEX "user_account_email_key" ON "user_account"("email");

-- CreateIndex
CREATE INDEX "user_role_role_name_idx" ON "user_role"("role_name");

-- CreateIndex
CREATE UNIQUE INDEX "scope_name_key" ON "scope"("name");

-- CreateIndex
CREATE INDEX "scope_api_id_idx" ON "scope"("api_id");

-- CreateIndex
CREATE INDEX "api_lifecycle_status_idx" ON "api"("lifecycle_status");

-- CreateIndex
CREATE UNIQUE INDEX "api_context_version_key" ON "api"("context", "version");

-- CreateIndex
CREATE UNIQUE INDEX "api_name_version_key" ON "api"("name", "version");

-- CreateIndex
CREATE UNIQUE INDEX "api_operation_api_id_verb_target_key" ON "api_operation"("api_id", "verb", "target");

-- CreateIndex
CREATE UNIQUE INDEX "api_revision_api_id_revision_number_key" ON "api_revision"("api_id", "revision_number");

-- CreateIndex
CREATE UNIQUE INDEX "gateway_environment_name_key" ON "gateway_environment"("name");

-- CreateIndex
CREATE INDEX "revision_deployment_revision_id_idx" ON "revision_deployment"("revision_id");

-- CreateIndex
CREATE UNIQUE INDEX "revision_deployment_api_id_environment_id_key" ON "revision_deployment"("api_id", "environment_id");

-- CreateIndex
CREATE UNIQUE INDEX "application_owner_id_name_key" ON "application"("owner_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "application_key_consumer_key_key" ON "application_key"("consumer_key");

-- CreateIndex
CREATE UNIQUE INDEX "application_key_application_id_key_type_key_manager_key" ON "application_key"("application_id", "key_type", "key_manager");

-- CreateIndex
CREATE UNIQUE INDEX "api_key_token_id_key" ON "api_key"("token_id");

-- CreateIndex
CREATE INDEX "api_key_application_id_idx" ON "api_key"("application_id");

-- CreateIndex
CREATE INDEX "subscription_api_id_idx" ON "subscription"("api_id");

-- CreateIndex
CREATE UNIQUE INDEX "subscription_application_id_api_id_key" ON "subscription"("application_id", "api_id");

-- CreateIndex
CREATE UNIQUE INDEX "throttling_policy_type_name_key" ON "throttling_policy"("type", "name");

-- CreateIndex
CREATE INDEX "conditional_group_policy_id_idx" ON "conditional_group"("policy_id");

-- CreateIndex
CREATE UNIQUE INDEX "trusted_issuer_name_key" ON "trusted_issuer"("name");

-- CreateIndex
CREATE UNIQUE INDEX "trusted_issuer_issuer_key" ON "trusted_issuer"("issuer");

-- CreateIndex
CREATE INDEX "oidc_payload_grant_id_idx" ON "oidc_payload"("grant_id");

-- CreateIndex
CREATE INDEX "oidc_payload_user_code_idx" ON "oidc_payload"("user_code");

-- CreateIndex
CREATE INDEX "oidc_payload_uid_idx" ON "oidc_payload"("uid");

-- CreateIndex
CREATE INDEX "oidc_payload_expires_at_idx" ON "oidc_payload"("expires_at");

-- CreateIndex
CREATE INDEX "revoked_token_expires_at_idx" ON "revoked_token"("expires_at");

-- CreateIndex
CREATE INDEX "workflow_status_type_idx" ON "workflow"("status", "type");

-- CreateIndex
CREATE INDEX "workflow_reference_id_idx" ON "workflow"("reference_id");

-- CreateIndex
CREATE INDEX "gateway_event_created_at_idx" ON "gateway_event"("created_at");

-- CreateIndex
CREATE INDEX "analytics_event_request_timestamp_idx" ON "analytics_event"("request_timestamp");

-- CreateIndex
CREATE INDEX "analytics_event_api_id_request_timestamp_idx" ON "analytics_event"("api_id", "request_timestamp");

-- CreateIndex
CREATE INDEX "analytics_event_application_id_request_timestamp_idx" ON "analytics_event"("application_id", "request_timestamp");

-- CreateIndex
CREATE INDEX "analytics_minute_api_id_minute_idx" ON "analytics_minute"("api_id", "minute");

-- CreateIndex
CREATE INDEX "audit_log_at_idx" ON "audit_log"("at");

-- CreateIndex
CREATE INDEX "audit_log_entity_type_entity_id_idx" ON "audit_log"("entity_type", "entity_id");

-- AddForeignKey
ALTER TABLE "user_role" ADD CONSTRAINT "user_role_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "user_account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_role" ADD CONSTRAINT "user_role_role_name_fkey" FOREIGN KEY ("role_name") REFERENCES "role"("name") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scope" ADD CONSTRAINT "scope_api_id_fkey" FOREIGN KEY ("api_id") REFERENCES "api"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api" ADD CONSTRAINT "api_provider_id_fkey" FOREIGN KEY ("provider_id") REFERENCES "user_account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_operation" ADD CONSTRAINT "api_operation_api_id_fkey" FOREIGN KEY ("api_id") REFERENCES "api"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_revision" ADD CONSTRAINT "api_revision_api_id_fkey" FOREIGN KEY ("api_id") REFERENCES "api"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "revision_deployment" ADD CONSTRAINT "revision_deployment_api_id_fkey" FOREIGN KEY ("api_id") REFERENCES "api"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "revision_deployment" ADD CONSTRAINT "revision_deployment_revision_id_fkey" FOREIGN KEY ("revision_id") REFERENCES "api_revision"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "revision_deployment" ADD CONSTRAINT "revision_deployment_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "gateway_environment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "application" ADD CONSTRAINT "application_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "user_account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "application_key" ADD CONSTRAINT "application_key_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "application_key" ADD CONSTRAINT "application_key_consumer_key_fkey" FOREIGN KEY ("consumer_key") REFERENCES "oauth_client"("client_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_key" ADD CONSTRAINT "api_key_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscription" ADD CONSTRAINT "subscription_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscription" ADD CONSTRAINT "subscription_api_id_fkey" FOREIGN KEY ("api_id") REFERENCES "api"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "conditional_group" ADD CONSTRAINT "conditional_group_policy_id_fkey" FOREIGN KEY ("policy_id") REFERENCES "throttling_policy"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workflow" ADD CONSTRAINT "workflow_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "user_account"("id") ON DELETE SET NULL ON UPDATE CASCADE;
