-- An index for every filter the large lists offer that had none (bench/lists prints each filter's
-- index): the filter's column, then the list's order, so one index range serves both the page
-- (WHERE column = value ORDER BY id DESC LIMIT n) and its capped count.
CREATE INDEX "customer_users_status_id_idx" ON "customer_users"("status", "id");
CREATE INDEX "checkouts_status_id_idx" ON "checkouts"("status", "id");
CREATE INDEX "payments_status_id_idx" ON "payments"("status", "id");
CREATE INDEX "refunds_status_id_idx" ON "refunds"("status", "id");
CREATE INDEX "ledger_entries_kind_id_idx" ON "ledger_entries"("kind", "id");
CREATE INDEX "action_runs_target_id_started_at_idx" ON "action_runs"("target_id", "started_at");
CREATE INDEX "action_runs_error_code_started_at_idx" ON "action_runs"("error_code", "started_at");
