-- An API's OpenAPI document keeps the order of its keys (jsonb sorts them: "info" before "openapi",
-- paths by length), so that the publisher's definition editor shows it as its author wrote it.
-- Documents stored before this keep jsonb's order.

-- AlterTable
ALTER TABLE "api" ALTER COLUMN "definition" SET DATA TYPE JSON USING "definition"::json;
