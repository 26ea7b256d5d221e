-- Declarative exposure (APIRule manifests): per-operation rule policy, host-routed APIs, external
-- authorizers, what each gateway node did with each deployed revision, and the objects made by apply.

-- AlterTable
ALTER TABLE "api" ADD COLUMN "hosts" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "api_operation" ADD COLUMN "rule" JSONB;

-- CreateTable
CREATE TABLE "external_authorizer" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "headers_to_send" TEXT[],
    "headers_to_pass_back" TEXT[],
    "timeout_ms" INTEGER NOT NULL DEFAULT 1000,
    "fail_closed" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "external_authorizer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gateway_node" (
    "id" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "gateway_node_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gateway_deployment_status" (
    "gateway_id" TEXT NOT NULL,
    "api_id" UUID NOT NULL,
    "revision_id" UUID NOT NULL,
    "state" TEXT NOT NULL,
    "reason" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "gateway_deployment_status_pkey" PRIMARY KEY ("gateway_id","api_id")
);

-- CreateTable
CREATE TABLE "managed_object" (
    "id" UUID NOT NULL,
    "api_version" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "label" TEXT,
    "object_id" TEXT NOT NULL,
    "last_applied" JSONB NOT NULL,
    "state" TEXT NOT NULL,
    "description" TEXT,
    "applied_by" TEXT,
    "applied_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "managed_object_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "external_authorizer_name_key" ON "external_authorizer"("name");

-- CreateIndex
CREATE INDEX "gateway_node_environment_idx" ON "gateway_node"("environment");

-- CreateIndex
CREATE INDEX "gateway_deployment_status_api_id_idx" ON "gateway_deployment_status"("api_id");

-- CreateIndex
CREATE INDEX "managed_object_object_id_idx" ON "managed_object"("object_id");

-- CreateIndex
CREATE INDEX "managed_object_label_idx" ON "managed_object"("label");

-- CreateIndex
CREATE UNIQUE INDEX "managed_object_kind_name_key" ON "managed_object"("kind", "name");

-- AddForeignKey
ALTER TABLE "gateway_deployment_status" ADD CONSTRAINT "gateway_deployment_status_gateway_id_fkey" FOREIGN KEY ("gateway_id") REFERENCES "gateway_node"("id") ON DELETE CASCADE ON UPDATE CASCADE;
