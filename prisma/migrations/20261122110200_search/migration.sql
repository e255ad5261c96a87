-- The omnibox (src/search/, docs/adr/0015-omnibox-search.md). Exact identifiers and prefixes use
-- the indexes that exist already (primary keys; the unique btrees on tracking numbers, payment and
-- refund references and emails serve LIKE 'q%' under the C collation). Only the partial matches
-- ("contains") need new indexes, and only on the small dimension tables: trigram GIN indexes on
-- organization names (about 55,000 rows at 10 million orders) and customer emails (about 500,000).
-- None is on a table that grows with orders, so the 10-million-order bulk load stays as fast.
-- pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateIndex
CREATE INDEX "organizations_name_trgm_idx" ON "organizations" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "customer_users_email_trgm_idx" ON "customer_users" USING GIN ("email" gin_trgm_ops);
