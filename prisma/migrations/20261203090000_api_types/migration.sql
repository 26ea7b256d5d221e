-- API types beyond REST (WSO2's WS, SSE, WEBSUB and GRAPHQL): the API's type, a GraphQL API's schema,
-- and the verbs of their operations (channel directions and GraphQL root operation types).

-- AlterEnum
ALTER TYPE "HttpVerb" ADD VALUE 'SUBSCRIBE';
ALTER TYPE "HttpVerb" ADD VALUE 'PUBLISH';
ALTER TYPE "HttpVerb" ADD VALUE 'QUERY';
ALTER TYPE "HttpVerb" ADD VALUE 'MUTATION';
ALTER TYPE "HttpVerb" ADD VALUE 'SUBSCRIPTION';

-- CreateEnum
CREATE TYPE "ApiType" AS ENUM ('HTTP', 'WS', 'SSE', 'WEBSUB', 'GRAPHQL');

-- AlterTable
ALTER TABLE "api" ADD COLUMN "type" "ApiType" NOT NULL DEFAULT 'HTTP',
ADD COLUMN "graphql_schema" TEXT;
