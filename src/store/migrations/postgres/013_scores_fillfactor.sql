-- 013_scores_fillfactor (PostgreSQL): every `ecrm analyze` rewrites each
-- customer's customer_scores row. With pages half empty, the new version
-- of a row fits on its own page and, as no indexed column changes (the
-- primary key is the only index), the update is HOT: no index entry, less
-- WAL. The merge of one million scores took 7.5-8.3 s instead of
-- 12.4-13.7 s (docs/bench/store.md). The table takes about twice the
-- space. CLUSTER rewrites the existing rows under the new setting at once
-- (VACUUM FULL cannot run in a migration's transaction).
ALTER TABLE customer_scores SET (fillfactor = 50);
CLUSTER customer_scores USING customer_scores_pkey;
