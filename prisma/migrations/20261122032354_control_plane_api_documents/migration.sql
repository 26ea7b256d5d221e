-- Control plane: documentation of APIs (WSO2's API documents): inline text or markdown, a link, or a file.

-- CreateTable
CREATE TABLE "api_document" (
    "id" UUID NOT NULL,
    "api_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "summary" TEXT,
    "source_type" TEXT NOT NULL,
    "source_url" TEXT,
    "visibility" TEXT NOT NULL DEFAULT 'API_LEVEL',
    "content" BYTEA,
    "file_name" TEXT,
    "content_type" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "api_document_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_document_api_id_name_key" ON "api_document"("api_id", "name");

-- AddForeignKey
ALTER TABLE "api_document" ADD CONSTRAINT "api_document_api_id_fkey" FOREIGN KEY ("api_id") REFERENCES "api"("id") ON DELETE CASCADE ON UPDATE CASCADE;
