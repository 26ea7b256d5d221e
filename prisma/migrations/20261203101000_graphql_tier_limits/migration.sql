-- GraphQL limits of subscription tiers (WSO2's graphQLMaxDepth / graphQLMaxComplexity): the deepest
-- query and the greatest complexity a subscriber may send; NULL: no limit.

-- AlterTable
ALTER TABLE "throttling_policy" ADD COLUMN "graphql_max_depth" INTEGER,
ADD COLUMN "graphql_max_complexity" INTEGER;
